package org.idproof.driver

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import java.time.Instant
import org.idproof.ffi.AaResponse
import org.idproof.ffi.AccessKey
import org.idproof.ffi.AccessProtocol
import org.idproof.ffi.CheckStatus
import org.idproof.ffi.Document
import org.idproof.ffi.ExtendedLength
import org.idproof.ffi.IdProofException
import org.idproof.ffi.ImageFormat
import org.idproof.ffi.MasterListPolicy
import org.idproof.ffi.PasswordKind
import org.idproof.ffi.ReadOptions
import org.idproof.ffi.ReadPhase
import org.idproof.ffi.ReadProgress
import org.idproof.ffi.ReadSession
import org.idproof.ffi.TrustFileKind
import org.idproof.ffi.TrustStore
import org.idproof.ffi.Verdict
import org.idproof.ffi.VerificationReport
import org.idproof.ffi.VirtualPassport
import org.idproof.ffi.defaultReadOptions
import org.idproof.ffi.newActiveAuthenticationChallenge
import org.idproof.ffi.parseMrz
import org.idproof.ffi.verify
import org.idproof.ffi.verifyRead
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** End-to-end reads of the simulator passport through the generated bindings and [ReadDriver]. */
class ReadDriverTest {
    private val specimenMrz = listOf(
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3404159ZE184226B<<<<<16",
    )
    private val jp2Magic = byteArrayOf(0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20)

    private val challenge = byteArrayOf(0x01, 0x23, 0x45, 0x67, 0x89.toByte(), 0xAB.toByte(), 0xCD.toByte(), 0xEF.toByte())

    private fun read(
        profile: String = "specimen",
        key: (VirtualPassport) -> AccessKey = { AccessKey.Mrz(it.mrzLines()) },
        options: ReadOptions = defaultReadOptions(),
        onProgress: suspend (ReadProgress) -> Unit = {},
    ): Pair<Document, SimulatorChannel> = runBlocking {
        VirtualPassport(profile).use { chip ->
            val channel = SimulatorChannel(chip)
            ReadSession(key(chip), options).use { session ->
                ReadDriver.read(session, channel, onProgress = onProgress) to channel
            }
        }
    }

    /** A read of [profile] with Active Authentication, and a trust store holding its CSCA. */
    private fun readWithTrust(
        profile: String,
        key: (VirtualPassport) -> AccessKey = { AccessKey.Mrz(it.mrzLines()) },
    ): Pair<Document, TrustStore> = runBlocking {
        VirtualPassport(profile).use { chip ->
            val trust = TrustStore()
            assertEquals(1u, trust.addCertificate(chip.cscaDer(), "csca.der"))
            val options = defaultReadOptions().copy(activeAuthenticationChallenge = challenge)
            ReadSession(key(chip), options).use { session ->
                ReadDriver.read(session, SimulatorChannel(chip)) to trust
            }
        }
    }

    private fun VerificationReport.status(name: String): CheckStatus? = checks.find { it.name == name }?.status

    private fun VerificationReport.code(name: String): String? = checks.find { it.name == name }?.code

    private fun now(): Long = Instant.now().epochSecond

    private fun assertSpecimenHolder(doc: Document) {
        val mrz = doc.mrz!!
        assertEquals("ERIKSSON", mrz.surname)
        assertEquals(specimenMrz, mrz.lines)
        assertEquals(1, doc.faces.size)
        assertTrue(doc.problems.isEmpty())
    }

    private fun assertSpecimen(doc: Document) {
        val mrz = assertNotNull(doc.mrz).let { doc.mrz!! }
        assertEquals("TD3", mrz.format)
        assertEquals("ERIKSSON", mrz.surname)
        assertEquals("ANNA MARIA", mrz.givenNames)
        assertEquals("L898902C3", mrz.documentNumber)
        assertEquals("740812", mrz.birthDate)
        assertEquals("340415", mrz.expiryDate)
        // Fields as people write them; the printed `P<` stays in `lines`.
        assertEquals("P", mrz.documentCode)
        assertEquals("ERIKSSON, ANNA MARIA", mrz.name)
        assertEquals("1974-08-12", mrz.birthDateIso)
        assertEquals("2034-04-15", mrz.expiryDateIso)
        assertTrue(mrz.valid)
        assertEquals(specimenMrz, mrz.lines)
        assertEquals(1, doc.faces.size)
        val face = doc.faces[0]
        assertEquals(ImageFormat.JPEG2000, face.format)
        assertArrayEquals(jp2Magic, face.data.copyOfRange(0, 8))
        assertTrue("face ${face.width}x${face.height}", face.width > 0u.toUShort() && face.height > 0u.toUShort())
        val dg2 = doc.files.getValue("DG2")
        assertTrue("face bytes are inside DG2", dg2.size > face.data.size && indexOf(dg2, face.data) > 0)
        assertTrue(doc.files.keys.containsAll(listOf("COM", "SOD", "DG1", "DG2", "DG11")))
        assertEquals(AccessProtocol.BAC, doc.access.protocol)
        assertTrue(doc.problems.isEmpty())
        assertNotNull(doc.personalDetails)
        assertEquals("ERIKSSON<<ANNA<MARIA", doc.personalDetails?.fullName)
        assertEquals("ERIKSSON, ANNA MARIA", doc.personalDetails?.fullNameDisplay)
    }

    @Test
    fun bacReadOfTheSpecimenPassport() {
        val (doc, channel) = read()
        assertSpecimen(doc)
        assertEquals(0, channel.reconnects)
        assertEquals(0uL, doc.stats.resumes)
    }

    @Test
    fun typedDocumentDataOpensTheChip() {
        val (doc, _) = read(key = { AccessKey.DocumentData("L898902C3", "740812", "340415") })
        assertSpecimen(doc)
    }

    @Test
    fun tagLossMidReadResumesWithTheSameFiles() {
        val (reference, _) = read()
        val (doc, channel) = read(profile = "tag-loss-at-12")
        assertEquals(1, channel.reconnects)
        assertTrue(doc.stats.resumes >= 1uL)
        assertEquals(reference.files.keys, doc.files.keys)
        for ((name, bytes) in reference.files) assertArrayEquals(name, bytes, doc.files.getValue(name))
        assertSpecimen(doc)
    }

    @Test
    fun tagLossAtManyPointsResumes() {
        val (_, reference) = read()
        for (n in listOf(1, 3, 7, reference.apdus / 2, reference.apdus)) {
            val (doc, channel) = read(profile = "tag-loss-at-$n")
            assertEquals("tag-loss-at-$n", 1, channel.reconnects)
            assertSpecimen(doc)
        }
    }

    @Test
    fun aTagThatNeverComesBackIsTagLost() = runBlocking {
        VirtualPassport("tag-loss-at-12").use { chip ->
            ReadSession(AccessKey.Mrz(chip.mrzLines()), defaultReadOptions()).use { session ->
                try {
                    ReadDriver.read(session, SimulatorChannel(chip, comesBack = false))
                    fail("read succeeded")
                } catch (e: IdProofException.TagLost) {
                    assertEquals("TAG_LOST", e.code)
                }
            }
        }
    }

    @Test
    fun wrongMrzIsAccessDenied() {
        try {
            read(key = { AccessKey.DocumentData("L898902C3", "740813", "340415") })
            fail("read succeeded")
        } catch (e: IdProofException.AccessDenied) {
            assertEquals("ACCESS_DENIED", e.code)
        }
    }

    @Test
    fun aCanOnABacOnlyChipIsUnsupportedAndAMalformedCanIsInvalid() {
        try {
            read(key = { AccessKey.Can("123456") })
            fail("read succeeded")
        } catch (e: IdProofException.Unsupported) {
            assertEquals("UNSUPPORTED", e.code)
        }
        try {
            ReadSession(AccessKey.Can("12a"), defaultReadOptions()).close()
            fail("CAN accepted")
        } catch (e: IdProofException.InvalidInput) {
            assertEquals("USAGE", e.code)
        }
    }

    @Test
    fun modernPassportReadsByPaceCamAndVerifiesAuthentic() {
        val (doc, trust) = readWithTrust("modern-passport")
        trust.use {
            assertSpecimenHolder(doc)
            assertEquals(AccessProtocol.PACE, doc.access.protocol)
            assertEquals("CAM", doc.access.mapping)
            assertEquals(PasswordKind.MRZ, doc.access.password)
            assertEquals("AES-128", doc.access.cipher)
            assertTrue(doc.access.paceOffered)
            val ca = doc.chip.chipAuthentication!!
            assertTrue(ca.confirmed)
            assertNull(ca.failure)
            assertNotNull(doc.chip.paceCam)
            val aa = doc.activeAuthentication!!
            assertArrayEquals(challenge, aa.challenge)
            assertTrue(aa.response is AaResponse.Signature)

            val report = verify(doc, trust, now(), specimenMrz)
            assertEquals(report.failures.toString(), Verdict.AUTHENTIC, report.verdict)
            assertTrue(report.failures.isEmpty())
            for (name in listOf(
                "sod_signature", "dsc_chain", "dg_hashes", "com_consistency", "mrz", "dg1_mrz_match",
                "chip_authentication", "active_authentication", "lds_parse", "card_security",
            )) {
                assertEquals(name, CheckStatus.PASSED, report.status(name))
            }
            // Without trust anchors the same document is never authentic.
            TrustStore().use { empty ->
                assertEquals(Verdict.INCOMPLETE, verify(doc, empty, now(), specimenMrz).verdict)
            }
            assertEquals(Verdict.INCOMPLETE, verifyRead(doc, specimenMrz).verdict)
        }
    }

    @Test
    fun specimenBacReadWithActiveAuthenticationVerifiesAuthentic() {
        val (doc, trust) = readWithTrust("specimen")
        trust.use {
            assertSpecimen(doc)
            assertNull(doc.access.mapping)
            assertNull(doc.chip.chipAuthentication)
            val report = verify(doc, trust, now(), specimenMrz)
            assertEquals(report.failures.toString(), Verdict.AUTHENTIC, report.verdict)
            assertEquals(CheckStatus.PASSED, report.status("active_authentication"))
            // The BAC specimen has no DG14 and no PACE-CAM: nothing proves it is not a clone.
            assertEquals(CheckStatus.NOT_PERFORMED, report.status("chip_authentication"))
        }
    }

    @Test
    fun canOnlyCardReadsWithItsCanAndVerifiesAuthentic() {
        val (doc, trust) = readWithTrust("can-only") { AccessKey.Can(it.can()!!) }
        trust.use {
            assertEquals(AccessProtocol.PACE, doc.access.protocol)
            assertEquals(PasswordKind.CAN, doc.access.password)
            assertEquals("GM", doc.access.mapping)
            assertEquals("TD1", doc.mrz?.format)
            assertEquals("ERIKSSON", doc.mrz?.surname)
            val report = verify(doc, trust, now(), null)
            assertEquals(report.failures.toString(), Verdict.AUTHENTIC, report.verdict)
            assertEquals(CheckStatus.PASSED, report.status("active_authentication"))
            // Read by CAN: no access MRZ to compare with, but DG1's own check digits are checked.
            assertEquals(CheckStatus.PASSED, report.status("mrz"))
            assertEquals(CheckStatus.NOT_PERFORMED, report.status("dg1_mrz_match"))
        }
    }

    @Test
    fun wrongCanIsAccessDenied() {
        try {
            read(profile = "can-only", key = { AccessKey.Can("654321") })
            fail("read succeeded")
        } catch (e: IdProofException.AccessDenied) {
            assertEquals("ACCESS_DENIED", e.code)
        }
    }

    @Test
    fun aForgedActiveAuthenticationAnswerFailsVerification() {
        val (doc, trust) = readWithTrust("modern-passport")
        trust.use {
            val signature = (doc.activeAuthentication!!.response as AaResponse.Signature).signature.copyOf()
            signature[signature.size - 1] = (signature.last().toInt() xor 1).toByte()
            val forged = doc.copy(
                activeAuthentication = doc.activeAuthentication!!.copy(response = AaResponse.Signature(signature)),
            )
            val report = verify(forged, trust, now(), specimenMrz)
            assertEquals(Verdict.FAILED, report.verdict)
            assertEquals("AA_FAILED", report.code("active_authentication"))
            assertEquals(listOf("AA_FAILED"), report.failures.map { it.code })
        }
    }

    @Test
    fun anActiveAuthenticationChallengeIsEightBytes() {
        val fresh = newActiveAuthenticationChallenge()
        assertEquals(8, fresh.size)
        assertFalse(fresh.contentEquals(newActiveAuthenticationChallenge()))
        assertNull(defaultReadOptions().activeAuthenticationChallenge)
        for (size in listOf(0, 7, 9)) {
            try {
                ReadSession(AccessKey.Can("123456"), defaultReadOptions().copy(activeAuthenticationChallenge = ByteArray(size))).close()
                fail("challenge of $size bytes accepted")
            } catch (e: IdProofException.InvalidInput) {
                assertEquals("USAGE", e.code)
            }
        }
    }

    @Test
    fun trustStoreRecognisesFilesAndRefusesJunk() {
        VirtualPassport("specimen").use { chip ->
            TrustStore().use { trust ->
                assertEquals(TrustFileKind.CERTIFICATE, trust.addFile(chip.cscaDer(), MasterListPolicy.VERIFY_WITH_STORE, "csca.der"))
                assertEquals(0u, trust.addCertificate(chip.cscaDer(), "again"))
                try {
                    trust.addCertificate("not a certificate".toByteArray(), "junk")
                    fail("junk accepted")
                } catch (e: IdProofException.InvalidInput) {
                    assertEquals("USAGE", e.code)
                }
                val summary = trust.summary()
                assertEquals(1u, summary.certificates)
                assertEquals(listOf("UT"), summary.countries.map { it.country })
                assertEquals(listOf("csca.der", "again"), summary.sources.map { it.label })
            }
        }
    }

    @Test
    fun progressIsMonotonicAndEndsComplete() {
        val seen = mutableListOf<ReadProgress>()
        read(onProgress = { seen.add(it) })
        assertTrue(seen.size > 5)
        seen.zipWithNext().forEach { (a, b) ->
            assertTrue("files_done $a -> $b", b.filesDone >= a.filesDone)
            assertTrue("files_planned $a -> $b", b.filesPlanned >= a.filesPlanned)
            if (a.file != null && a.file == b.file) assertTrue("bytes $a -> $b", b.fileBytesDone >= a.fileBytesDone)
        }
        assertEquals(ReadPhase.COMPLETE, seen.last().phase)
        assertEquals(seen.last().filesPlanned, seen.last().filesDone)
    }

    @Test
    fun progressFlowEndsWithTheDocument() = runBlocking {
        VirtualPassport("specimen").use { chip ->
            ReadSession(AccessKey.Mrz(chip.mrzLines()), defaultReadOptions()).use { session ->
                val events = ReadDriver.events(session, SimulatorChannel(chip)).toList()
                assertTrue(events.dropLast(1).all { it is ReadEvent.Progress })
                assertSpecimen((events.last() as ReadEvent.Done).document)
            }
        }
    }

    @Test
    fun cancellingTheCoroutineStopsTheRead() = runBlocking {
        VirtualPassport("specimen").use { chip ->
            val stalled = CompletableDeferred<Unit>()
            val channel = object : ApduChannel {
                var sent = 0
                override suspend fun transceive(apdu: ByteArray): ByteArray {
                    if (++sent == 6) {
                        stalled.complete(Unit)
                        awaitCancellation()
                    }
                    return chip.transmit(apdu)
                }
                override suspend fun reconnect() = true
            }
            ReadSession(AccessKey.Mrz(chip.mrzLines()), defaultReadOptions()).use { session ->
                val job = async { ReadDriver.read(session, channel) }
                stalled.await()
                job.cancel()
                try {
                    job.await()
                    fail("read completed")
                } catch (e: CancellationException) {
                    yield()
                }
                assertEquals(6, channel.sent)
            }
        }
    }

    @Test
    fun verifyReadReportsChecksWithStableNames() {
        val (doc, _) = read()
        val report = verifyRead(doc, specimenMrz)
        // Without a trust store the SOD signature and hashes verify but the DSC chain cannot.
        assertEquals(Verdict.INCOMPLETE, report.verdict)
        val status = report.checks.associate { it.name to it.status }
        assertEquals(CheckStatus.PASSED, status["mrz"])
        assertEquals(CheckStatus.PASSED, status["dg1_mrz_match"])
        assertEquals(CheckStatus.PASSED, status["sod_signature"])
        assertEquals(CheckStatus.PASSED, status["dg_hashes"])
        assertEquals(CheckStatus.NOT_PERFORMED, status["dsc_chain"])
        assertTrue(report.failures.isEmpty())
        // Deviation-list annotations exist only where a verified list explains a failure.
        assertTrue(report.checks.all { it.deviations.isEmpty() })

        val otherHolder = listOf("P<UTOSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<", specimenMrz[1])
        val mismatch = verifyRead(doc, otherHolder)
        assertEquals(Verdict.FAILED, mismatch.verdict)
        assertEquals(listOf("MRZ_MISMATCH"), mismatch.failures.map { it.code })
    }

    @Test
    fun mrzParsingAndItsErrors() {
        val mrz = parseMrz(specimenMrz)
        assertEquals("UTO", mrz.issuingState)
        assertEquals("F", mrz.sex)
        assertTrue(mrz.valid && mrz.checkDigitFailures.isEmpty())
        assertEquals("L898902C3", parseMrz(listOf(specimenMrz.joinToString("\n"))).documentNumber)

        val badDigit = parseMrz(listOf(specimenMrz[0], specimenMrz[1].replaceRange(19, 20, "3")))
        assertFalse(badDigit.valid)
        assertTrue(badDigit.checkDigitFailures.toString(), "birth_date" in badDigit.checkDigitFailures)

        for (bad in listOf(listOf("P<UTO"), listOf(specimenMrz[0].lowercase(), specimenMrz[1]), emptyList())) {
            try {
                parseMrz(bad)
                fail("parsed $bad")
            } catch (e: IdProofException.InvalidInput) {
                assertEquals("MRZ_FORMAT", e.code)
            }
        }
    }

    @Test
    fun aPanicInRustIsATypedInternalError() = runBlocking {
        VirtualPassport("panic-at-5").use { chip ->
            ReadSession(AccessKey.Mrz(chip.mrzLines()), defaultReadOptions()).use { session ->
                try {
                    ReadDriver.read(session, SimulatorChannel(chip))
                    fail("read succeeded")
                } catch (e: IdProofException.Internal) {
                    assertEquals("INTERNAL", e.code)
                    assertTrue(e.detail, "deliberate panic" in e.detail)
                }
            }
            // The object that panicked refuses further use instead of continuing half-updated.
            try {
                chip.reconnect()
                fail("poisoned simulator accepted a call")
            } catch (e: IdProofException.Internal) {
                assertEquals("INTERNAL", e.code)
            }
        }
    }

    @Test
    fun optionsFitTheTransport() {
        val defaults = defaultReadOptions()
        val short = ReadDriver.fitToTransport(defaults, extendedLengthSupported = false, maxTransceiveLength = 261)
        assertEquals(ExtendedLength.NEVER, short.extendedLength)
        assertEquals(261u, short.maxResponseLen)
        val ext = ReadDriver.fitToTransport(defaults, extendedLengthSupported = true, maxTransceiveLength = 65279)
        assertEquals(ExtendedLength.AUTO, ext.extendedLength)
        assertEquals(65279u, ext.maxResponseLen)
        val tiny = ReadDriver.fitToTransport(defaults, extendedLengthSupported = false, maxTransceiveLength = 32)
        assertEquals(258u, tiny.maxResponseLen)
    }

    @Test
    fun aNoExtendedLengthChipReadsTheSameFiles() {
        val (doc, _) = read(profile = "no-extended-length")
        assertSpecimen(doc)
        assertFalse(doc.stats.extendedLengthUsed)
    }

    private fun indexOf(haystack: ByteArray, needle: ByteArray): Int {
        outer@ for (i in 0..haystack.size - needle.size) {
            for (j in needle.indices) if (haystack[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }
}
