/**
 * The orchestrator's journal (services/orchestrator/journal.ts): an append-only file of JSON lines, each fsynced
 * before the side effect it announces. What a restart reads back, a torn last line, a corrupt one, the lock, and
 * compaction. Files live in a temporary directory.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  Journal,
  ReadOnlyJournal,
  parseJournal,
  readJournal,
  type JournalRecord,
} from "../../services/orchestrator/journal";

function tmpJournal(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "j", "journal.jsonl");
}

const trade: JournalRecord = {
  t: "trade",
  key: "dvp:net:1",
  kind: "offchain",
  chain: "net",
  id: "1",
  block: 10,
  at: 1_000,
  detail: { price: "100" },
};

describe("Journal (services/orchestrator/journal.ts)", function () {
  describe("append", function () {
    it("should write one line per record (fsynced before append returns) and apply it to the state", function () {
      const file = tmpJournal();
      const j = Journal.open(file);
      j.append(trade);
      j.append({ t: "instruct", key: "dvp:net:1", endToEndId: "DVP-1-abcd-1", at: 1_001 });
      j.append({ t: "cursor", chain: "net", block: 12 });
      // Read by another reader before closing: the bytes are in the file.
      const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
      expect(lines.map((l) => JSON.parse(l).t)).to.deep.equal(["trade", "instruct", "cursor"]);
      const t = j.state.trades.get("dvp:net:1")!;
      expect([t.endToEndId, t.instructions, j.state.cursors.net]).to.deep.equal(["DVP-1-abcd-1", 1, 12]);
      j.close();
    });
  });

  describe("open", function () {
    it("should give a restarted orchestrator the state the records say: cursor, instructions, Safe transactions and their outcomes", function () {
      const file = tmpJournal();
      const a = Journal.open(file);
      a.append(trade);
      a.append({ t: "cursor", chain: "net", block: 20 });
      a.append({ t: "instruct", key: "dvp:net:1", endToEndId: "E", at: 1_001 });
      a.append({
        t: "safe",
        hash: "0xaa",
        safe: "0xSafe",
        nonce: 4,
        mode: "execute",
        calls: [{ key: "dvp:net:1", action: "confirm", arg: "RAIL-1" }],
        at: 1_002,
        block: 21,
      });
      a.close();
      const b = Journal.open(file);
      const t = b.state.trades.get("dvp:net:1")!;
      expect(t.pendingSafe).to.deep.equal(["0xaa"]);
      expect(b.state.cursors.net).to.equal(20);
      b.append({ t: "safeDone", hash: "0xaa", outcome: "executed", txHash: "0xbb", block: 22, at: 1_003 });
      expect(b.state.trades.get("dvp:net:1")!.pendingSafe).to.deep.equal([]);
      expect(b.state.safe.get("0xaa")!.done!.outcome).to.equal("executed");
      b.close();
    });

    it("should drop a torn last line (a crash in the middle of a write), truncate the file there and go on", function () {
      const file = tmpJournal();
      const a = Journal.open(file);
      a.append(trade);
      a.close();
      fs.appendFileSync(file, '{"t":"instruct","key":"dvp:net:1","endToEn');
      const b = Journal.open(file);
      expect(b.recoveredTornLine).to.equal(true);
      expect(b.state.trades.get("dvp:net:1")!.endToEndId).to.equal(undefined);
      b.append({ t: "cursor", chain: "net", block: 3 });
      b.close();
      expect(parseJournal(fs.readFileSync(file, "utf8")).records.map((r) => r.t)).to.deep.equal([
        "trade",
        "cursor",
      ]);
    });

    it("should refuse a journal with a corrupt line that is not the last one", function () {
      const file = tmpJournal();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        `${JSON.stringify(trade)}\nnot json\n${JSON.stringify({ t: "cursor", chain: "n", block: 1 })}\n`,
      );
      expect(() => Journal.open(file)).to.throw(/line at byte \d+ does not parse and is not the last one/);
      // The lock is released after the refusal.
      expect(fs.existsSync(`${file}.lock`)).to.equal(false);
    });

    it("should refuse a second orchestrator on the same journal while the first runs", function () {
      const file = tmpJournal();
      const a = Journal.open(file);
      fs.writeFileSync(`${file}.lock`, String(process.ppid));
      expect(() => Journal.open(file)).to.throw(`in use by process ${process.ppid}`);
      a.close();
    });

    it("should take over the lock of an orchestrator that was killed (its process is gone)", function () {
      const file = tmpJournal();
      Journal.open(file); // never closed: the lock stays, as after SIGKILL
      const dead = 2 ** 31 - 2; // above any pid_max: no such process
      expect(() => process.kill(dead, 0)).to.throw(/ESRCH/);
      fs.writeFileSync(`${file}.lock`, String(dead));
      const b = Journal.open(file);
      expect(fs.readFileSync(`${file}.lock`, "utf8")).to.equal(String(process.pid));
      b.close();
      expect(fs.existsSync(`${file}.lock`)).to.equal(false);
    });

    it("should compact a long journal into one snapshot line holding the same state", function () {
      const file = tmpJournal();
      const a = Journal.open(file);
      a.append(trade);
      for (let i = 0; i < 30; i++) a.append({ t: "cursor", chain: "net", block: i });
      a.append({ t: "rail", key: "dvp:net:1", state: { kind: "settled", reference: "R" }, at: 5 });
      a.close();
      const before = readJournal(file);
      const b = Journal.open(file, { compactAbove: 10 });
      expect(fs.readFileSync(file, "utf8").trimEnd().split("\n")).to.have.length(1);
      expect(b.state.cursors).to.deep.equal(before.cursors);
      expect(b.state.trades.get("dvp:net:1")).to.deep.equal(before.trades.get("dvp:net:1"));
      b.close();
      expect(readJournal(file).trades.get("dvp:net:1")!.rail).to.deep.equal({
        kind: "settled",
        reference: "R",
      });
    });
  });

  describe("ReadOnlyJournal", function () {
    it("should read the state without taking the lock, and refuse to append", function () {
      const file = tmpJournal();
      const a = Journal.open(file);
      a.append(trade);
      const r = new ReadOnlyJournal(file);
      expect(r.state.trades.has("dvp:net:1")).to.equal(true);
      expect(() => r.append({ t: "cursor", chain: "n", block: 1 })).to.throw(
        "read-only journal: cannot append a cursor record",
      );
      a.close();
    });
  });
});
