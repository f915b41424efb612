import Foundation
import XCTest
@testable import IdProof

/// 2026-11-30T00:00:00Z: the flow's today and the backend's verification time.
private let at: Int64 = 1_795_996_800
private let today = CalendarDate(year: 2026, month: 11, day: 30)
private let pCode = "12345678"
private let phone = "+4512345678"
private let config = FlowConfig(today: today, allowSpecimen: true)

private func face(_ liveness: Outcome, _ match: Outcome) -> FlowEvent {
    .face(result: FaceResult(liveness: liveness, faceMatch: match))
}

private struct FlowTestError: Error {
    let message: String
}

/// The app around the flow: the simulator chip, its CSCA, the reference backend.
private final class FlowApp {
    let chip: VirtualPassport
    let trust = TrustStore()
    let backend: ReferenceBackend
    var flow: ActivationFlow
    /// Every evidence bundle submitted, with its session nonce.
    var bundles: [(String, Data)] = []

    init(_ profile: String) throws {
        chip = try VirtualPassport(profile: profile)
        _ = try trust.addCertificate(bytes: try chip.cscaDer(), label: "csca.der")
        backend = try ReferenceBackend(seed: 9, trustStore: trust, atUnixSeconds: at)
        try backend.addPCode(pCode: pCode)
        flow = try ActivationFlow(config: config)
    }

    /// Handles `event`, performs backend actions on the reference backend, returns the platform's.
    @discardableResult
    func send(_ event: FlowEvent) throws -> [FlowAction] {
        var queue = [event]
        var out: [FlowAction] = []
        while let next = queue.popLast() {
            for action in try flow.handle(event: next) {
                if case .submitEvidence(let evidence) = action {
                    bundles.append((try evidence.bundleJson(createdAtUnixSeconds: at), try evidence.nonce()))
                }
                if let reply = try backend.perform(action: action) {
                    queue.append(reply)
                } else {
                    out.append(action)
                }
            }
        }
        return out
    }

    func upToIdentifier() throws {
        try send(.choosePassportOrIdCard)
        try send(.acceptTerms(accepted: true))
        try send(.chooseDocumentKind(kind: .passport))
        try send(.chooseCountry(code: "UTO"))
    }

    /// The steps up to the chip read: the `ReadChip` action's key and challenge.
    func upToChipRead() throws -> (AccessKey, Data) {
        try upToIdentifier()
        try send(.enterPCode(pCode: pCode))
        let actions = try send(.scanMrz(text: try chip.mrzLines().joined(separator: "\n"), source: .camera))
        guard actions.count == 1, case .readChip(let key, let challenge) = actions[0] else {
            throw FlowTestError(message: "no ReadChip action: \(actions)")
        }
        return (key, challenge)
    }

    /// The platform's part: read with the flow's key and challenge, verify, hand both over.
    func readChip() async throws -> [FlowAction] {
        let (key, challenge) = try upToChipRead()
        let options = ReadOptions(extendedLength: .auto, activeAuthenticationChallenge: challenge)
        let session = try ReadSession(key: key, options: options)
        let document = try await ReadDriver.read(session: session, channel: SimulatorChannel(chip))
        let report = try verify(document: document, trustStore: trust, atUnixSeconds: at, accessMrz: try chip.mrzLines())
        return try send(.chipRead(document: document, report: report))
    }
}

/// The MitID activation flow through the generated bindings (android/…/ActivationFlowTest.kt
/// runs the same scenarios).
final class ActivationFlowTests: XCTestCase {
    /// The `Refused` error `body` throws: its code, message and attempts left.
    func refused(
        _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line
    ) -> (code: String, message: String, attemptsLeft: UInt8?) {
        do {
            try body()
        } catch let IdProofError.Refused(code, userMessage, _, attemptsLeft) {
            return (code, userMessage, attemptsLeft)
        } catch {
            XCTFail("not refused: \(error)", file: file, line: line)
            return ("", "", nil)
        }
        XCTFail("the flow did not refuse", file: file, line: line)
        return ("", "", nil)
    }

    func testFlowReachesSubstantialWithTheSimulatorAndTheReferenceBackend() async throws {
        let app = try FlowApp("modern-passport")
        let actions = try await app.readChip()
        guard actions.count == 1, case .scanFace(let dg2?) = actions[0] else { return XCTFail("\(actions)") }
        XCTAssertEqual(dg2.first, 0x75)
        XCTAssertTrue(try app.send(face(.passed, .passed)).isEmpty)
        XCTAssertEqual(try app.flow.step(), .userId)
        let assurance = try XCTUnwrap(try app.flow.assurance())
        XCTAssertEqual(assurance.level, .substantial)
        XCTAssertTrue(assurance.reasons.isEmpty)

        // The bundle the app sent, re-verified as a backend does; another nonce is a replay.
        XCTAssertEqual(app.bundles.count, 1)
        let (json, nonce) = app.bundles[0]
        XCTAssertTrue(json.hasPrefix("{\"format\":\"idproof-evidence/1\""))
        let verdict = try verifyEvidenceBundle(json: json, trustStore: app.trust, atUnixSeconds: at, nonce: nonce)
        XCTAssertEqual(verdict.verdict, .authentic)
        XCTAssertEqual(verdict.assurance.level, .substantial)
        XCTAssertEqual(
            verdict.evidenceChecks.filter { $0.status == .passed }.map(\.name),
            ["format", "nonce", "aa_challenge", "app_report", "document_kind", "issuing_state", "expiry"])
        let replay = try verifyEvidenceBundle(
            json: json, trustStore: app.trust, atUnixSeconds: at, nonce: Data(repeating: 0x77, count: 16))
        XCTAssertEqual(replay.verdict, .failed)
        XCTAssertEqual(replay.failures.first?.code, "NONCE")

        try app.send(.enterUserId(userId: "Anna.Eriksson"))
        try app.send(.enterPhone(phone: "+45 12 34 56 78"))
        XCTAssertEqual(try app.flow.step(), .smsCode)
        let wrong = refused { _ = try app.send(.enterSmsCode(code: "000000")) }
        XCTAssertEqual(wrong.code, "SMS_CODE")
        XCTAssertEqual(wrong.attemptsLeft, 2)
        try app.send(.enterSmsCode(code: try XCTUnwrap(try app.backend.lastSmsCode(phone: phone))))
        let done = try app.send(.chooseUsage(usage: .thisPhone))
        guard done.count == 1, case .completed(let usage, let decision) = done[0] else { return XCTFail("\(done)") }
        XCTAssertEqual(usage, .thisPhone)
        XCTAssertEqual(decision.level, .substantial)
        XCTAssertEqual(try app.flow.step(), .done)
    }

    func testWrongPCodeIsRefusedWithItsCodeAndTheRightOneHasThreeAttempts() throws {
        let app = try FlowApp("specimen")
        try app.upToIdentifier()
        let unknown = refused { _ = try app.send(.enterPCode(pCode: "87654321")) }
        XCTAssertEqual(unknown.code, "P_CODE_UNKNOWN")
        XCTAssertFalse(unknown.message.isEmpty)
        XCTAssertEqual(try app.flow.step(), .identifier)
        XCTAssertEqual(refused { _ = try app.send(.enterPCode(pCode: "1234")) }.code, "P_CODE_FORMAT")
        try app.send(.enterPCode(pCode: pCode))
        XCTAssertEqual(try app.flow.pCodeAttemptsLeft(), 3)
        XCTAssertEqual(try app.flow.step(), .mrz)
    }

    func testInvalidUserIdAndCprGiveCodeAndMessage() throws {
        let shortId = try validateUserId(text: "Ab")
        XCTAssertFalse(shortId.valid)
        XCTAssertEqual(shortId.error?.code, "USER_ID_LENGTH")
        XCTAssertFalse(try XCTUnwrap(shortId.error).message.isEmpty)
        XCTAssertEqual(try validateUserId(text: "Anna.Eriksson").value, "anna.eriksson")
        XCTAssertEqual(try validateCpr(text: "320190-1238", today: today).error?.code, "CPR_DATE")
        let mod11 = try validateCpr(text: "010190-1234", today: today)
        XCTAssertTrue(mod11.valid)
        XCTAssertEqual(mod11.warning?.code, "CPR_MODULUS11")
        XCTAssertNil(try validateCpr(text: "010190-1238", today: today).warning)
        XCTAssertEqual(try validatePhone(text: "+45 1234 567").error?.code, "PHONE_DK_LENGTH")
        XCTAssertEqual(try validateDocumentCode(kind: .idCard, documentCode: "P<").error?.code, "DOC_KIND")

        // The flow refuses the same inputs with the same codes.
        let app = try FlowApp("specimen")
        try app.upToIdentifier()
        let cpr = refused { _ = try app.send(.enterCpr(cpr: "01019O-1234")) }
        XCTAssertEqual(cpr.code, "CPR_FORMAT")
        XCTAssertFalse(cpr.message.isEmpty)
        let warned = try app.send(.enterCpr(cpr: "010190-1234"))
        guard warned.count == 1, case .warn(let warning) = warned[0] else { return XCTFail("\(warned)") }
        XCTAssertEqual(warning.code, "CPR_MODULUS11")
        XCTAssertEqual(try app.flow.step(), .mrz)
    }

    func testSnapshotsHoldNothingPersonalAndResume() async throws {
        let app = try FlowApp("specimen")
        let personal = ["L898902C", "ERIKSSON", "ANNA", "740812", "340415", pCode, "anna", "UTO"]
        func assertClean(_ json: String, line: UInt = #line) {
            for value in personal {
                XCTAssertFalse(json.contains(value), "\(value) in \(json)", line: line)
            }
        }

        _ = try await app.readChip()
        let before = try app.flow.snapshot()
        assertClean(before)
        XCTAssertEqual(try ActivationFlow.resume(snapshotJson: before, config: config).step(), .country)

        try app.send(face(.passed, .passed))
        try app.send(.enterUserId(userId: "anna.eriksson"))
        try app.send(.enterPhone(phone: phone))
        let after = try app.flow.snapshot()
        assertClean(after)
        XCTAssertTrue(after.contains("\"step\":\"phone\""), after)
        let resumed = try ActivationFlow.resume(snapshotJson: after, config: config)
        XCTAssertEqual(try resumed.step(), .phone)
        XCTAssertEqual(try resumed.assurance()?.level, .substantial)
        // The resumed flow goes on in the same backend session.
        app.flow = resumed
        try app.send(.enterPhone(phone: phone))
        try app.send(.enterSmsCode(code: try XCTUnwrap(try app.backend.lastSmsCode(phone: phone))))
        try app.send(.chooseUsage(usage: .codeDisplay))
        XCTAssertEqual(try app.flow.step(), .done)

        XCTAssertEqual(
            refused { _ = try ActivationFlow.resume(snapshotJson: "{\"version\":2}", config: config) }.code,
            "SNAPSHOT")
    }

    func testClonedChipIsNotSubstantialAndUsesAPCodeAttempt() async throws {
        let app = try FlowApp("clone-of-pace-cam")
        _ = try await app.readChip()
        try app.send(face(.passed, .passed))
        let assurance = try XCTUnwrap(try app.flow.assurance())
        XCTAssertEqual(assurance.level, .notMet)
        XCTAssertTrue(assurance.reasons.contains { $0.code == "ANTI_CLONE_FAILED" }, "\(assurance.reasons)")
        // The backend counted the attempt: a new flow with the same P code has 2 left.
        app.flow = try ActivationFlow(config: config)
        _ = try app.upToChipRead()
        XCTAssertEqual(try app.flow.pCodeAttemptsLeft(), 2)
    }

    func testWrongFaceIsRefusedAndTheThirdEndsTheFlowWithoutAssurance() async throws {
        let app = try FlowApp("specimen")
        _ = try await app.readChip()
        XCTAssertEqual(refused { _ = try app.send(face(.passed, .failed)) }.code, "FACE_MATCH")
        XCTAssertEqual(refused { _ = try app.send(face(.failed, .failed)) }.code, "FACE_LIVENESS")
        XCTAssertEqual(try app.flow.step(), .face)
        XCTAssertEqual(refused { _ = try app.send(face(.passed, .failed)) }.code, "FACE_ATTEMPTS")
        XCTAssertEqual(try app.flow.step(), .failed)
        XCTAssertEqual(try app.flow.failure()?.code, "FACE_ATTEMPTS")
        XCTAssertNil(try app.flow.assurance())
    }

    func testAFlowConfiguredInDanishRefusesInDanishUnderTheSameCode() throws {
        let danish = try ActivationFlow(config: FlowConfig(today: today, allowSpecimen: true, language: .da))
        let english = try ActivationFlow(config: config)
        let da = refused { _ = try danish.handle(event: .acceptTerms(accepted: true)) }
        let en = refused { _ = try english.handle(event: .acceptTerms(accepted: true)) }
        XCTAssertEqual(da.code, en.code)
        XCTAssertEqual(try flowMessage(code: da.code, lang: .da), da.message)
        XCTAssertEqual(try flowMessage(code: en.code, lang: .en), en.message)
        XCTAssertNotEqual(da.message, en.message)
        // The validators take the language too (English when left out).
        let idDa = try XCTUnwrap(try validateUserId(text: "Ab", lang: .da).error)
        XCTAssertEqual(idDa.code, "USER_ID_LENGTH")
        XCTAssertEqual(try flowMessage(code: "USER_ID_LENGTH", lang: .da), idDa.message)
        XCTAssertEqual(try flowMessage(code: "USER_ID_LENGTH", lang: .en), try validateUserId(text: "Ab").error?.message)
    }
}
