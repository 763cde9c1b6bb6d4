package io.mediaplane.codec;

import java.util.HexFormat;

/**
 * The SDP {@code profile-level-id} (RFC 6184 §8.1): profile_idc, the constraint flags byte ("profile-iop") and
 * level_idc, as six hex digits. Profiles are named as RFC 6184 Table 5 and RFC 7742 §6.2 match them.
 */
public record H264ProfileLevelId(int profileIdc, int profileIop, int levelIdc) {

    /** Profiles a WebRTC peer negotiates (RFC 7742), plus the High variants an encoder may announce. */
    public enum Profile {
        CONSTRAINED_BASELINE, BASELINE, MAIN, EXTENDED, CONSTRAINED_HIGH, HIGH, HIGH_10, HIGH_422,
        HIGH_444_PREDICTIVE, OTHER
    }

    public H264ProfileLevelId {
        if ((profileIdc | profileIop | levelIdc) >>> 8 != 0) {
            throw new IllegalArgumentException("each field is one byte");
        }
    }

    /** Parses six hex digits; null if it is not that (SDP is outside input). */
    public static H264ProfileLevelId parse(String hex) {
        if (hex == null || hex.length() != 6) {
            return null;
        }
        for (int i = 0; i < 6; i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return null;
            }
        }
        int v = Integer.parseInt(hex, 16);
        return new H264ProfileLevelId(v >>> 16, (v >>> 8) & 0xFF, v & 0xFF);
    }

    /** RFC 6184 Table 5 as bit patterns over profile-iop (x = either): constraint_set0..5 are bits 7..2. */
    public Profile profile() {
        int iop = profileIop;
        return switch (profileIdc) {
            case 0x42 -> (iop & 0x40) != 0 ? Profile.CONSTRAINED_BASELINE : Profile.BASELINE; // x1xx0000 / x0xx0000
            case 0x4D -> (iop & 0x80) != 0 ? Profile.CONSTRAINED_BASELINE : Profile.MAIN; // 1xxx0000 / 0x0x0000
            case 0x58 -> (iop & 0xC0) == 0xC0 ? Profile.CONSTRAINED_BASELINE
                    : (iop & 0x80) != 0 ? Profile.BASELINE : Profile.EXTENDED; // 11xx / 10xx / 0xxx
            case 0x64 -> (iop & 0x0C) == 0x0C ? Profile.CONSTRAINED_HIGH : Profile.HIGH; // constraint_set4+5
            case 0x6E -> Profile.HIGH_10;
            case 0x7A -> Profile.HIGH_422;
            case 0xF4 -> Profile.HIGH_444_PREDICTIVE;
            default -> Profile.OTHER;
        };
    }

    /** Level 1b: level_idc 11 with constraint_set3_flag in Baseline/Main/Extended, or level_idc 9 (§A.3.1, RFC 6184). */
    public boolean isLevel1b() {
        boolean bme = profileIdc == 0x42 || profileIdc == 0x4D || profileIdc == 0x58;
        return levelIdc == 9 || bme && levelIdc == 11 && (profileIop & 0x10) != 0;
    }

    /** "1b", "3.1", "4" ... */
    public String levelName() {
        if (isLevel1b()) {
            return "1b";
        }
        return levelIdc % 10 == 0 ? Integer.toString(levelIdc / 10) : levelIdc / 10 + "." + levelIdc % 10;
    }

    /** Six lower-case hex digits, as written in SDP fmtp lines. */
    public String toHex() {
        return HexFormat.of().toHexDigits((byte) profileIdc) + HexFormat.of().toHexDigits((byte) profileIop)
                + HexFormat.of().toHexDigits((byte) levelIdc);
    }

    @Override
    public String toString() {
        return toHex() + " (" + profile() + " level " + levelName() + ")";
    }
}
