import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  CLASS,
  COUNTRY,
  DEPLOYED_RULES,
  R,
  RULES,
  castFixture,
  complianceAdmin,
  configure,
  issue,
  labelled,
  register,
  tokens,
} from "./helpers";

const ANY_OF_DEPLOYED = CLASS.accredited | CLASS.qualified_purchaser | CLASS.institutional;

/**
 * The cast with Alice (accredited) and Dave (accredited + QP) holding 1,000 each, plus Uma (a US person
 * without any qualifying class) and Quinn (qualified purchaser and US person).
 */
async function classFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, dave, spare } = cast;
  const [uma, quinn] = spare;
  await register(fund, [
    {
      wallet: uma.address,
      identity: labelled("identity:uma"),
      country: COUNTRY.US,
      classes: CLASS.us_person,
    },
    {
      wallet: quinn.address,
      identity: labelled("identity:quinn"),
      country: COUNTRY.US,
      classes: CLASS.qualified_purchaser | CLASS.us_person,
    },
  ]);
  await issue(fund, alice.address, tokens("1000"));
  await issue(fund, dave.address, tokens("1000"));
  return { ...cast, uma, quinn };
}

describe("ModularCompliance: investor class rule", function () {
  describe("as deployed (required: any of accredited, qualified purchaser, institutional)", function () {
    it("should report the requirements", async function () {
      const { fund } = await loadFixture(castFixture);
      const cf = await fund.contracts.compliance.classAndFlow();
      expect([cf.requiredAll, cf.requiredAny, cf.barred]).to.deep.equal([0n, BigInt(ANY_OF_DEPLOYED), 0n]);
    });

    it("should accept each qualifying class alone", async function () {
      const { fund, alice, bob, carol } = await loadFixture(classFixture);
      const { token } = fund.contracts;
      // Alice is accredited, Bob a qualified purchaser, Carol institutional.
      await token.connect(alice).transfer(bob.address, tokens("10"));
      await token.connect(alice).transfer(carol.address, tokens("10"));
      await issue(fund, bob.address, tokens("10"));
      expect(await token.balanceOf(bob.address)).to.equal(tokens("20"));
      expect(await token.balanceOf(carol.address)).to.equal(tokens("10"));
    });

    it("should refuse a recipient with none of them with RECIPIENT_CLASS_MISSING", async function () {
      const { fund, alice, uma } = await loadFixture(classFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(alice).transfer(uma.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
      await expect(issue(fund, uma.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
    });

    it("should not apply to the sender: a holder who lost its class may still sell", async function () {
      const { fund, alice, bob } = await loadFixture(classFixture);
      const { token, registry } = fund.contracts;
      const expiry = await registry.kycExpiry(alice.address);
      await fund
        .as("complianceOfficer")
        .on(registry)
        .updateInvestor(
          await registry.identity(alice.address),
          [alice.address],
          COUNTRY.US,
          CLASS.us_person,
          expiry,
        );
      await token.connect(alice).transfer(bob.address, tokens("10"));
      expect(await token.balanceOf(bob.address)).to.equal(tokens("10"));
      // ...but cannot buy back.
      await expect(token.connect(bob).transfer(alice.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
    });
  });

  describe("3(c)(7) fund (required: qualified purchaser)", function () {
    async function qpFixture() {
      const base = await loadFixture(classFixture);
      await configure(base.fund, "setClassRequirements", [CLASS.qualified_purchaser, 0, 0]);
      return base;
    }

    it("should refuse an accredited investor who is not a qualified purchaser", async function () {
      const { fund, dave, erin } = await loadFixture(qpFixture);
      await expect(fund.contracts.token.connect(dave).transfer(erin.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
    });

    it("should accept a qualified purchaser, with or without other classes", async function () {
      const { fund, dave, bob, quinn } = await loadFixture(qpFixture);
      await fund.contracts.token.connect(dave).transfer(bob.address, tokens("10"));
      await fund.contracts.token.connect(dave).transfer(quinn.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(quinn.address)).to.equal(tokens("10"));
    });
  });

  describe("requiredAll with several classes", function () {
    it("should refuse a recipient holding only part of them", async function () {
      const { fund, alice, bob, dave, carol } = await loadFixture(classFixture);
      const { token, compliance } = fund.contracts;
      await configure(fund, "setClassRequirements", [CLASS.accredited | CLASS.qualified_purchaser, 0, 0]);
      for (const partial of [alice, bob, carol]) {
        await expect(token.connect(dave).transfer(partial.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_CLASS_MISSING);
      }
      // Dave has both: Alice may send to him.
      await token.connect(alice).transfer(dave.address, tokens("1"));
    });
  });

  describe("Reg S offering (barred: US person)", function () {
    async function regSFixture() {
      const base = await loadFixture(classFixture);
      await configure(base.fund, "setClassRequirements", [0, 0, CLASS.us_person]);
      return base;
    }

    it("should refuse a US person with RECIPIENT_CLASS_BARRED", async function () {
      const { fund, dave, uma } = await loadFixture(regSFixture);
      await expect(fund.contracts.token.connect(dave).transfer(uma.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_BARRED);
      await expect(issue(fund, uma.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_BARRED);
    });

    it("should accept a recipient without any class when nothing is required", async function () {
      const { fund, dave, spare } = await loadFixture(regSFixture);
      const nobody = spare[2];
      await register(fund, [
        { wallet: nobody.address, identity: labelled("identity:nobody"), country: COUNTRY.SG, classes: 0 },
      ]);
      await fund.contracts.token.connect(dave).transfer(nobody.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(nobody.address)).to.equal(tokens("10"));
    });
  });

  describe("required and barred combined (QP required, accredited or institutional required, US person barred)", function () {
    async function combinedFixture() {
      const base = await loadFixture(classFixture);
      await configure(base.fund, "setClassRequirements", [
        CLASS.qualified_purchaser,
        CLASS.accredited | CLASS.institutional,
        CLASS.us_person,
      ]);
      return base;
    }

    it("should report a barred class before a missing one", async function () {
      const { fund, dave, uma } = await loadFixture(combinedFixture);
      // Uma is a US person and has none of the required classes.
      await expect(fund.contracts.token.connect(dave).transfer(uma.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_BARRED);
    });

    it("should refuse a qualified purchaser who is a US person", async function () {
      const { fund, dave, quinn } = await loadFixture(combinedFixture);
      await expect(fund.contracts.token.connect(dave).transfer(quinn.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_BARRED);
    });

    it("should refuse a qualified purchaser without any of the 'any' classes", async function () {
      const { fund, dave, bob } = await loadFixture(combinedFixture);
      await expect(fund.contracts.token.connect(dave).transfer(bob.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
    });

    it("should refuse an accredited investor who is not a qualified purchaser", async function () {
      const { fund, dave, alice } = await loadFixture(combinedFixture);
      await expect(fund.contracts.token.connect(dave).transfer(alice.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_CLASS_MISSING);
    });

    it("should accept a qualified purchaser who is also accredited and not a US person", async function () {
      const { fund, dave } = await loadFixture(combinedFixture);
      await issue(fund, dave.address, tokens("5"));
      expect(await fund.contracts.token.balanceOf(dave.address)).to.equal(tokens("1005"));
    });
  });

  describe("when the rule is off", function () {
    it("should accept any class", async function () {
      const { fund, alice, uma } = await loadFixture(classFixture);
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.INVESTOR_CLASS]);
      await fund.contracts.token.connect(alice).transfer(uma.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(uma.address)).to.equal(tokens("10"));
    });
  });

  describe("setClassRequirements", function () {
    it("should store the requirements and emit ClassRequirementsChanged with old and new values", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(
        configure(fund, "setClassRequirements", [
          CLASS.qualified_purchaser,
          CLASS.accredited,
          CLASS.us_person,
        ]),
      )
        .to.emit(compliance, "ClassRequirementsChanged")
        .withArgs(0, CLASS.qualified_purchaser, ANY_OF_DEPLOYED, CLASS.accredited, 0, CLASS.us_person);
      const cf = await compliance.classAndFlow();
      expect([cf.requiredAll, cf.requiredAny, cf.barred]).to.deep.equal([
        BigInt(CLASS.qualified_purchaser),
        BigInt(CLASS.accredited),
        BigInt(CLASS.us_person),
      ]);
      // The outflow limit sharing the word is untouched.
      expect(cf.maxDailyOutflow).to.equal(tokens("10000000"));
    });

    const invalid: [string, number, number, number][] = [
      ["an undefined bit in requiredAll", 1 << 5, 0, 0],
      ["an undefined bit in requiredAny", 0, 1 << 15, 0],
      ["an undefined bit in barred", 0, 0, 1 << 6],
      ["a class both required (all) and barred", CLASS.accredited, 0, CLASS.accredited],
      [
        "a class both required (any) and barred",
        0,
        CLASS.accredited | CLASS.institutional,
        CLASS.institutional,
      ],
    ];
    for (const [label, all, any, barred] of invalid) {
      it(`should refuse ${label} with InvalidClassRequirements`, async function () {
        const { fund } = await loadFixture(castFixture);
        await expect(configure(fund, "setClassRequirements", [all, any, barred]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidClassRequirements")
          .withArgs(all, any, barred);
      });
    }

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setClassRequirements(0, 0, 0))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
