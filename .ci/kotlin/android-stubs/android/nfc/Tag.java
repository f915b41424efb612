// Compile-check stubs of the android.nfc API that android/src/main/kotlin/org/idproof/nfc uses
// (signatures as in the Android SDK). kotlinc only reads them to resolve types: no bytecode is
// produced and nothing here runs. They catch our own type errors, not drift from the real SDK.
package android.nfc;

public final class Tag {
    public byte[] getId() { return new byte[0]; }
}
