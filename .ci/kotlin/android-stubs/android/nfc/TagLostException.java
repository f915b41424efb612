// Compile-check stub (see Tag.java).
package android.nfc;

public class TagLostException extends java.io.IOException {
    public TagLostException() {}
}
