package org.idproof.driver

import java.io.ByteArrayInputStream
import java.security.MessageDigest
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.idproof.ffi.AccessKey
import org.idproof.ffi.FaceColour
import org.idproof.ffi.FaceEncoding
import org.idproof.ffi.IdProofException
import org.idproof.ffi.ReadSession
import org.idproof.ffi.VirtualPassport
import org.idproof.ffi.decodeFaceImage
import org.idproof.ffi.defaultReadOptions
import org.idproof.ffi.faceImagePng
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** The simulator passport's DG2 face decoded by the core for a face matcher: RGB pixels and PNG. */
class FaceImageTest {
    /** SHA-256 of the specimen portrait's RGB pixels, as `core/tests/face_decode.rs` pins it. */
    private val specimenRgbSha256 = "b4be0240aa25fdc30736065694f74bcaf3dc5e74c06f35c233a75f0f1dd404be"

    private fun readFace(): ByteArray = runBlocking {
        VirtualPassport("specimen").use { chip ->
            ReadSession(AccessKey.Mrz(chip.mrzLines()), defaultReadOptions()).use { session ->
                ReadDriver.read(session, SimulatorChannel(chip)).faces.single().data
            }
        }
    }

    private fun sha256(bytes: ByteArray): String =
        MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    @Test
    fun theSimulatorPassportsFaceDecodesToRgbAndPng() {
        val image = readFace()
        val face = decodeFaceImage(image)
        assertEquals(FaceEncoding.JP2, face.encoding)
        assertEquals(FaceColour.RGB, face.sourceColour)
        assertEquals(413u, face.width)
        assertEquals(531u, face.height)
        assertEquals(413 * 531 * 3, face.rgb.size)
        assertEquals(specimenRgbSha256, sha256(face.rgb))

        // The JVM's own PNG decoder sees the same pixels.
        val png = ImageIO.read(ByteArrayInputStream(faceImagePng(image)))
        assertEquals(413, png.width)
        assertEquals(531, png.height)
        for (y in 0 until png.height step 7) {
            for (x in 0 until png.width step 5) {
                val i = (y * png.width + x) * 3
                val expected = ((face.rgb[i].toInt() and 0xFF) shl 16) or
                    ((face.rgb[i + 1].toInt() and 0xFF) shl 8) or (face.rgb[i + 2].toInt() and 0xFF)
                assertEquals("pixel ($x,$y)", expected, png.getRGB(x, y) and 0xFFFFFF)
            }
        }
    }

    @Test
    fun aTruncatedFaceIsAChipErrorWithFaceDecode() {
        val image = readFace()
        try {
            decodeFaceImage(image.copyOf(image.size - 10))
            fail("a truncated image decoded")
        } catch (e: IdProofException.Chip) {
            assertEquals("FACE_DECODE", e.code)
            assertTrue(e.detail, e.detail.contains("truncated"))
        }
    }
}
