// Compile-check stub (see Tag.java).
package android.nfc;

public final class NfcAdapter {
    public static final int FLAG_READER_NFC_A = 0x1;
    public static final int FLAG_READER_NFC_B = 0x2;
    public static final int FLAG_READER_SKIP_NDEF_CHECK = 0x80;
}
