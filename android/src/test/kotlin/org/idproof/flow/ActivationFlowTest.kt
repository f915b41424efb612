package org.idproof.flow

import kotlinx.coroutines.runBlocking
import org.idproof.driver.ReadDriver
import org.idproof.driver.SimulatorChannel
import org.idproof.ffi.ActivationFlow
import org.idproof.ffi.AssuranceLevel
import org.idproof.ffi.CalendarDate
import org.idproof.ffi.CheckStatus
import org.idproof.ffi.DocumentKind
import org.idproof.ffi.FaceResult
import org.idproof.ffi.FlowAction
import org.idproof.ffi.FlowConfig
import org.idproof.ffi.FlowEvent
import org.idproof.ffi.FlowStep
import org.idproof.ffi.IdProofException
import org.idproof.ffi.Lang
import org.idproof.ffi.MrzSource
import org.idproof.ffi.Outcome
import org.idproof.ffi.ReadSession
import org.idproof.ffi.ReferenceBackend
import org.idproof.ffi.TrustStore
import org.idproof.ffi.Usage
import org.idproof.ffi.Verdict
import org.idproof.ffi.VirtualPassport
import org.idproof.ffi.defaultReadOptions
import org.idproof.ffi.flowMessage
import org.idproof.ffi.validateCpr
import org.idproof.ffi.validateDocumentCode
import org.idproof.ffi.validatePhone
import org.idproof.ffi.validateUserId
import org.idproof.ffi.verify
import org.idproof.ffi.verifyEvidenceBundle
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The MitID activation flow through the generated bindings: the simulator passport read with
 * [ReadDriver], `verify`, and the reference backend re-verifying the evidence bundle
 * (ios/Tests/IdProofTests/ActivationFlowTests.swift runs the same scenarios).
 */
class ActivationFlowTest {
    private companion object {
        /** 2026-11-30T00:00:00Z: the flow's today and the backend's verification time. */
        const val AT = 1_795_996_800L
        val TODAY = CalendarDate(2026u, 11u, 30u)
        const val P_CODE = "12345678"
        const val PHONE = "+4512345678"
        val CONFIG = FlowConfig(TODAY, allowSpecimen = true)

        fun face(liveness: Outcome, match: Outcome) = FlowEvent.Face(FaceResult(liveness, match))
    }

    /** The app around the flow: the simulator chip, its CSCA, the reference backend. */
    private class App(profile: String) : AutoCloseable {
        val chip = VirtualPassport(profile)
        val trust = TrustStore().also { it.addCertificate(chip.cscaDer(), "csca.der") }
        val backend = ReferenceBackend(9uL, trust, AT).also { it.addPCode(P_CODE) }
        var flow = ActivationFlow(CONFIG)

        /** Every evidence bundle submitted, with its session nonce. */
        val bundles = mutableListOf<Pair<String, ByteArray>>()

        /** Handles [event], performs backend actions on the reference backend, returns the platform's. */
        fun send(event: FlowEvent): List<FlowAction> {
            val queue = ArrayDeque(listOf(event))
            val out = mutableListOf<FlowAction>()
            while (queue.isNotEmpty()) {
                for (action in flow.handle(queue.removeLast())) {
                    if (action is FlowAction.SubmitEvidence) {
                        bundles += action.evidence.bundleJson(AT) to action.evidence.nonce()
                    }
                    backend.perform(action)?.let { queue.addLast(it) } ?: out.add(action)
                }
            }
            return out
        }

        fun upToIdentifier() {
            send(FlowEvent.ChoosePassportOrIdCard)
            send(FlowEvent.AcceptTerms(true))
            send(FlowEvent.ChooseDocumentKind(DocumentKind.PASSPORT))
            send(FlowEvent.ChooseCountry("UTO"))
        }

        /** The steps up to the chip read: the flow's `ReadChip` action. */
        fun upToChipRead(): FlowAction.ReadChip {
            upToIdentifier()
            send(FlowEvent.EnterPCode(P_CODE))
            val actions = send(FlowEvent.ScanMrz(chip.mrzLines().joinToString("\n"), MrzSource.CAMERA))
            assertEquals(1, actions.size)
            return actions[0] as FlowAction.ReadChip
        }

        /** The platform's part: read with the flow's key and challenge, verify, hand both over. */
        fun readChip(): List<FlowAction> {
            val read = upToChipRead()
            val options = defaultReadOptions().copy(activeAuthenticationChallenge = read.challenge)
            val document = runBlocking {
                ReadSession(read.accessKey, options).use { ReadDriver.read(it, SimulatorChannel(chip)) }
            }
            val report = verify(document, trust, AT, chip.mrzLines())
            return send(FlowEvent.ChipRead(document, report))
        }

        override fun close() {
            flow.close()
            backend.close()
            trust.close()
            chip.close()
        }
    }

    private inline fun refused(block: () -> Unit): IdProofException.Refused {
        try {
            block()
        } catch (e: IdProofException.Refused) {
            return e
        }
        throw AssertionError("the flow did not refuse")
    }

    @Test
    fun flowReachesSubstantialWithTheSimulatorAndTheReferenceBackend() = App("modern-passport").use { app ->
        val scan = app.readChip().single() as FlowAction.ScanFace
        assertEquals(0x75.toByte(), scan.dg2!![0])
        assertTrue(app.send(face(Outcome.PASSED, Outcome.PASSED)).isEmpty())
        assertEquals(FlowStep.USER_ID, app.flow.step())
        val assurance = app.flow.assurance()!!
        assertEquals(AssuranceLevel.SUBSTANTIAL, assurance.level)
        assertTrue(assurance.reasons.isEmpty())

        // The bundle the app sent, re-verified as a backend does; another nonce is a replay.
        val (json, nonce) = app.bundles.single()
        assertTrue(json.startsWith("{\"format\":\"idproof-evidence/1\""))
        val verdict = verifyEvidenceBundle(json, app.trust, AT, nonce)
        assertEquals(Verdict.AUTHENTIC, verdict.verdict)
        assertEquals(AssuranceLevel.SUBSTANTIAL, verdict.assurance.level)
        assertEquals(
            listOf("format", "nonce", "aa_challenge", "app_report", "document_kind", "issuing_state", "expiry"),
            verdict.evidenceChecks.filter { it.status == CheckStatus.PASSED }.map { it.name },
        )
        val replay = verifyEvidenceBundle(json, app.trust, AT, ByteArray(16) { 0x77 })
        assertEquals(Verdict.FAILED, replay.verdict)
        assertEquals("NONCE", replay.failures[0].code)

        app.send(FlowEvent.EnterUserId("Anna.Eriksson"))
        app.send(FlowEvent.EnterPhone("+45 12 34 56 78"))
        assertEquals(FlowStep.SMS_CODE, app.flow.step())
        val wrong = refused { app.send(FlowEvent.EnterSmsCode("000000")) }
        assertEquals("SMS_CODE", wrong.code)
        assertEquals(2.toUByte(), wrong.attemptsLeft)
        app.send(FlowEvent.EnterSmsCode(app.backend.lastSmsCode(PHONE)!!))
        val done = app.send(FlowEvent.ChooseUsage(Usage.THIS_PHONE)).single() as FlowAction.Completed
        assertEquals(Usage.THIS_PHONE, done.usage)
        assertEquals(AssuranceLevel.SUBSTANTIAL, done.assurance.level)
        assertEquals(FlowStep.DONE, app.flow.step())
    }

    @Test
    fun wrongPCodeIsRefusedWithItsCodeAndTheRightOneHasThreeAttempts() = App("specimen").use { app ->
        app.upToIdentifier()
        val unknown = refused { app.send(FlowEvent.EnterPCode("87654321")) }
        assertEquals("P_CODE_UNKNOWN", unknown.code)
        assertTrue(unknown.userMessage.isNotEmpty())
        assertEquals(FlowStep.IDENTIFIER, app.flow.step())
        assertEquals("P_CODE_FORMAT", refused { app.send(FlowEvent.EnterPCode("1234")) }.code)
        app.send(FlowEvent.EnterPCode(P_CODE))
        assertEquals(3.toUByte(), app.flow.pCodeAttemptsLeft())
        assertEquals(FlowStep.MRZ, app.flow.step())
    }

    @Test
    fun invalidUserIdAndCprGiveCodeAndMessage() = App("specimen").use { app ->
        val shortId = validateUserId("Ab")
        assertFalse(shortId.valid)
        assertEquals("USER_ID_LENGTH", shortId.error!!.code)
        assertTrue(shortId.error!!.message.isNotEmpty())
        assertEquals("anna.eriksson", validateUserId("Anna.Eriksson").value)
        val badDate = validateCpr("320190-1238", TODAY)
        assertEquals("CPR_DATE", badDate.error!!.code)
        val mod11 = validateCpr("010190-1234", TODAY)
        assertTrue(mod11.valid)
        assertEquals("CPR_MODULUS11", mod11.warning!!.code)
        assertNull(validateCpr("010190-1238", TODAY).warning)
        assertEquals("PHONE_DK_LENGTH", validatePhone("+45 1234 567").error!!.code)
        assertEquals("DOC_KIND", validateDocumentCode(DocumentKind.ID_CARD, "P<").error!!.code)

        // The flow refuses the same inputs with the same codes.
        app.upToIdentifier()
        val cpr = refused { app.send(FlowEvent.EnterCpr("01019O-1234")) }
        assertEquals("CPR_FORMAT", cpr.code)
        assertTrue(cpr.userMessage.isNotEmpty())
        val warned = app.send(FlowEvent.EnterCpr("010190-1234")).single() as FlowAction.Warn
        assertEquals("CPR_MODULUS11", warned.warning.code)
        assertEquals(FlowStep.MRZ, app.flow.step())
    }

    @Test
    fun snapshotsHoldNothingPersonalAndResume() = App("specimen").use { app ->
        val personal = listOf("L898902C", "ERIKSSON", "ANNA", "740812", "340415", P_CODE, "anna", "UTO")
        fun assertClean(json: String) = personal.forEach { assertFalse("$it in $json", json.contains(it)) }

        app.readChip()
        val before = app.flow.snapshot()
        assertClean(before)
        ActivationFlow.resume(before, CONFIG).use { assertEquals(FlowStep.COUNTRY, it.step()) }

        app.send(face(Outcome.PASSED, Outcome.PASSED))
        app.send(FlowEvent.EnterUserId("anna.eriksson"))
        app.send(FlowEvent.EnterPhone(PHONE))
        val after = app.flow.snapshot()
        assertClean(after)
        assertTrue(after, after.contains("\"step\":\"phone\""))
        val resumed = ActivationFlow.resume(after, CONFIG)
        assertEquals(FlowStep.PHONE, resumed.step())
        assertEquals(AssuranceLevel.SUBSTANTIAL, resumed.assurance()!!.level)
        // The resumed flow goes on in the same backend session.
        app.flow.close()
        app.flow = resumed
        app.send(FlowEvent.EnterPhone(PHONE))
        app.send(FlowEvent.EnterSmsCode(app.backend.lastSmsCode(PHONE)!!))
        app.send(FlowEvent.ChooseUsage(Usage.CODE_DISPLAY))
        assertEquals(FlowStep.DONE, app.flow.step())

        assertEquals("SNAPSHOT", refused { ActivationFlow.resume("{\"version\":2}", CONFIG) }.code)
    }

    @Test
    fun clonedChipIsNotSubstantialAndUsesAPCodeAttempt() = App("clone-of-pace-cam").use { app ->
        app.readChip()
        app.send(face(Outcome.PASSED, Outcome.PASSED))
        val assurance = app.flow.assurance()!!
        assertEquals(AssuranceLevel.NOT_MET, assurance.level)
        assertTrue(assurance.reasons.toString(), assurance.reasons.any { it.code == "ANTI_CLONE_FAILED" })
        // The backend counted the attempt: a new flow with the same P code has 2 left.
        app.flow.close()
        app.flow = ActivationFlow(CONFIG)
        app.upToChipRead()
        assertEquals(2.toUByte(), app.flow.pCodeAttemptsLeft())
    }

    @Test
    fun wrongFaceIsRefusedAndTheThirdEndsTheFlowWithoutAssurance() = App("specimen").use { app ->
        app.readChip()
        assertEquals("FACE_MATCH", refused { app.send(face(Outcome.PASSED, Outcome.FAILED)) }.code)
        assertEquals("FACE_LIVENESS", refused { app.send(face(Outcome.FAILED, Outcome.FAILED)) }.code)
        assertEquals(FlowStep.FACE, app.flow.step())
        assertEquals("FACE_ATTEMPTS", refused { app.send(face(Outcome.PASSED, Outcome.FAILED)) }.code)
        assertEquals(FlowStep.FAILED, app.flow.step())
        assertEquals("FACE_ATTEMPTS", app.flow.failure()!!.code)
        assertNull(app.flow.assurance())
        assertNotNull(app.flow.failure()!!.message)
    }

    @Test
    fun aFlowConfiguredInDanishRefusesInDanishUnderTheSameCode() {
        val danish = ActivationFlow(FlowConfig(TODAY, allowSpecimen = true, language = Lang.DA))
        val english = ActivationFlow(CONFIG)
        val da = refused { danish.handle(FlowEvent.AcceptTerms(true)) }
        val en = refused { english.handle(FlowEvent.AcceptTerms(true)) }
        assertEquals(en.code, da.code)
        assertEquals(flowMessage(da.code, Lang.DA), da.userMessage)
        assertEquals(flowMessage(en.code, Lang.EN), en.userMessage)
        assertTrue(da.userMessage != en.userMessage)
        // The validators take the language too (English when left out).
        val idDa = validateUserId("Ab", Lang.DA).error!!
        assertEquals("USER_ID_LENGTH", idDa.code)
        assertEquals(flowMessage("USER_ID_LENGTH", Lang.DA), idDa.message)
        assertEquals(flowMessage("USER_ID_LENGTH", Lang.EN), validateUserId("Ab").error!!.message)
    }
}
