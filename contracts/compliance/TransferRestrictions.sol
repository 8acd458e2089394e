// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title TransferRestrictions
/// @notice Reason codes explaining why a movement of the fund token is refused (ERC-1404 style: 0 = allowed).
/// The token's `detectTransferRestriction` and the compliance contract return them; the transfer agent's tools
/// print {message}.
library TransferRestrictions {
    uint8 internal constant NONE = 0;
    // Token-level conditions.
    uint8 internal constant PAUSED = 1;
    uint8 internal constant SENDER_NOT_VERIFIED = 2;
    uint8 internal constant RECIPIENT_NOT_VERIFIED = 3;
    uint8 internal constant SENDER_FROZEN = 4;
    uint8 internal constant RECIPIENT_FROZEN = 5;
    uint8 internal constant INSUFFICIENT_BALANCE = 6;
    uint8 internal constant INSUFFICIENT_UNFROZEN_BALANCE = 7;
    uint8 internal constant INVALID_RECIPIENT = 8;
    // Compliance rules.
    uint8 internal constant SENDER_SANCTIONED = 9;
    uint8 internal constant RECIPIENT_SANCTIONED = 10;
    uint8 internal constant SENDER_COUNTRY_RESTRICTED = 11;
    uint8 internal constant RECIPIENT_COUNTRY_RESTRICTED = 12;
    uint8 internal constant RECIPIENT_CLASS_MISSING = 13;
    uint8 internal constant RECIPIENT_CLASS_BARRED = 14;
    uint8 internal constant MAX_INVESTORS_REACHED = 15;
    uint8 internal constant RECIPIENT_ABOVE_MAX_HOLDING = 16;
    uint8 internal constant RECIPIENT_BELOW_MIN_HOLDING = 17;
    uint8 internal constant SENDER_BELOW_MIN_HOLDING = 18;
    uint8 internal constant TOKENS_LOCKED = 19;
    uint8 internal constant DAILY_OUTFLOW_EXCEEDED = 20;
    uint8 internal constant MODULE_REFUSED = 21;
    uint8 internal constant LAST = 21;

    /// @notice Human-readable text of a reason code.
    function message(uint8 code) internal pure returns (string memory) {
        if (code == NONE) return "Transfer allowed";
        if (code == PAUSED) return "Token is paused";
        if (code == SENDER_NOT_VERIFIED) return "Sender is not a verified investor";
        if (code == RECIPIENT_NOT_VERIFIED) return "Recipient is not a verified investor";
        if (code == SENDER_FROZEN) return "Sender wallet is frozen";
        if (code == RECIPIENT_FROZEN) return "Recipient wallet is frozen";
        if (code == INSUFFICIENT_BALANCE) return "Amount exceeds balance";
        if (code == INSUFFICIENT_UNFROZEN_BALANCE) return "Amount exceeds unfrozen balance";
        if (code == INVALID_RECIPIENT) return "Invalid recipient";
        if (code == SENDER_SANCTIONED) return "Sender is sanctioned";
        if (code == RECIPIENT_SANCTIONED) return "Recipient is sanctioned";
        if (code == SENDER_COUNTRY_RESTRICTED) return "Sender country is restricted";
        if (code == RECIPIENT_COUNTRY_RESTRICTED) return "Recipient country is restricted";
        if (code == RECIPIENT_CLASS_MISSING) return "Recipient lacks a required investor class";
        if (code == RECIPIENT_CLASS_BARRED) return "Recipient has a barred investor class";
        if (code == MAX_INVESTORS_REACHED) return "Maximum number of investors reached";
        if (code == RECIPIENT_ABOVE_MAX_HOLDING) return "Recipient would exceed the maximum holding";
        if (code == RECIPIENT_BELOW_MIN_HOLDING) return "Recipient would hold less than the minimum holding";
        if (code == SENDER_BELOW_MIN_HOLDING) return "Sender would keep less than the minimum holding";
        if (code == TOKENS_LOCKED) return "Amount exceeds the sender's unlocked tokens";
        if (code == DAILY_OUTFLOW_EXCEEDED) return "Sender's daily transfer limit exceeded";
        if (code == MODULE_REFUSED) return "Refused by a compliance module";
        return "Unknown restriction code";
    }
}
