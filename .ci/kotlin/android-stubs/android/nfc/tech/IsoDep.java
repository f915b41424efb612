// Compile-check stub (see ../Tag.java).
package android.nfc.tech;

import android.nfc.Tag;
import java.io.IOException;

public final class IsoDep {
    public static IsoDep get(Tag tag) { return null; }
    public void connect() throws IOException {}
    public void close() throws IOException {}
    public boolean isConnected() { return false; }
    public byte[] transceive(byte[] data) throws IOException { return data; }
    public void setTimeout(int timeout) {}
    public int getTimeout() { return 0; }
    public boolean isExtendedLengthApduSupported() { return false; }
    public int getMaxTransceiveLength() { return 0; }
}
