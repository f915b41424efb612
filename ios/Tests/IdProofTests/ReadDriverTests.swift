import Foundation
import XCTest
@testable import IdProof

/// End-to-end reads of the simulator passport through the generated bindings and `ReadDriver`.
final class ReadDriverTests: XCTestCase {
    let specimenMrz = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3404159ZE184226B<<<<<16",
    ]
    let jp2Magic = Data([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20])

    let challenge = Data([0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF])

    func read(
        profile: String = "specimen",
        key: ((VirtualPassport) throws -> AccessKey)? = nil,
        options: ReadOptions = defaultReadOptions(),
        progress: (ReadProgress) -> Void = { _ in }
    ) async throws -> (Document, SimulatorChannel) {
        let chip = try VirtualPassport(profile: profile)
        let channel = SimulatorChannel(chip)
        let accessKey = try key?(chip) ?? .mrz(lines: try chip.mrzLines())
        let session = try ReadSession(key: accessKey, options: options)
        let document = try await ReadDriver.read(session: session, channel: channel, progress: progress)
        return (document, channel)
    }

    /// A read of `profile` with Active Authentication, and a trust store holding its CSCA.
    func readWithTrust(
        profile: String,
        key: ((VirtualPassport) throws -> AccessKey)? = nil
    ) async throws -> (Document, TrustStore) {
        let chip = try VirtualPassport(profile: profile)
        let trust = TrustStore()
        XCTAssertEqual(try trust.addCertificate(bytes: try chip.cscaDer(), label: "csca.der"), 1)
        let accessKey = try key?(chip) ?? .mrz(lines: try chip.mrzLines())
        let options = ReadOptions(extendedLength: .auto, activeAuthenticationChallenge: challenge)
        let session = try ReadSession(key: accessKey, options: options)
        let document = try await ReadDriver.read(session: session, channel: SimulatorChannel(chip))
        return (document, trust)
    }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    func status(_ report: VerificationReport, _ name: String) -> CheckStatus? {
        report.checks.first { $0.name == name }?.status
    }

    func code(_ report: VerificationReport, _ name: String) -> String? {
        report.checks.first { $0.name == name }?.code
    }

    func assertSpecimen(_ doc: Document, file: StaticString = #filePath, line: UInt = #line) throws {
        let mrz = try XCTUnwrap(doc.mrz, file: file, line: line)
        XCTAssertEqual(mrz.format, "TD3", file: file, line: line)
        XCTAssertEqual(mrz.surname, "ERIKSSON", file: file, line: line)
        XCTAssertEqual(mrz.givenNames, "ANNA MARIA", file: file, line: line)
        XCTAssertEqual(mrz.documentNumber, "L898902C3", file: file, line: line)
        XCTAssertEqual(mrz.birthDate, "740812", file: file, line: line)
        XCTAssertEqual(mrz.expiryDate, "340415", file: file, line: line)
        // Fields as people write them; the printed `P<` stays in `lines`.
        XCTAssertEqual(mrz.documentCode, "P", file: file, line: line)
        XCTAssertEqual(mrz.name, "ERIKSSON, ANNA MARIA", file: file, line: line)
        XCTAssertEqual(mrz.birthDateIso, "1974-08-12", file: file, line: line)
        XCTAssertEqual(mrz.expiryDateIso, "2034-04-15", file: file, line: line)
        XCTAssertTrue(mrz.valid, file: file, line: line)
        XCTAssertEqual(mrz.lines, specimenMrz, file: file, line: line)
        XCTAssertEqual(doc.faces.count, 1, file: file, line: line)
        let face = try XCTUnwrap(doc.faces.first, file: file, line: line)
        XCTAssertEqual(face.format, .jpeg2000, file: file, line: line)
        XCTAssertEqual(face.data.prefix(8), jp2Magic, file: file, line: line)
        XCTAssertTrue(face.width > 0 && face.height > 0, file: file, line: line)
        let dg2 = try XCTUnwrap(doc.files["DG2"], file: file, line: line)
        XCTAssertNotNil(dg2.range(of: face.data), "face bytes are inside DG2", file: file, line: line)
        XCTAssertTrue(Set(["COM", "SOD", "DG1", "DG2", "DG11"]).isSubset(of: Set(doc.files.keys)), file: file, line: line)
        XCTAssertEqual(doc.access.protocol, .bac, file: file, line: line)
        XCTAssertTrue(doc.problems.isEmpty, file: file, line: line)
        XCTAssertNotNil(doc.personalDetails, file: file, line: line)
        XCTAssertEqual(doc.personalDetails?.fullName, "ERIKSSON<<ANNA<MARIA", file: file, line: line)
        XCTAssertEqual(doc.personalDetails?.fullNameDisplay, "ERIKSSON, ANNA MARIA", file: file, line: line)
    }

    func testBacReadOfTheSpecimenPassport() async throws {
        let (doc, channel) = try await read()
        try assertSpecimen(doc)
        XCTAssertEqual(channel.reconnects, 0)
        XCTAssertEqual(doc.stats.resumes, 0)
    }

    func testTypedDocumentDataOpensTheChip() async throws {
        let (doc, _) = try await read(key: { _ in
            .documentData(documentNumber: "L898902C3", birthDate: "740812", expiryDate: "340415")
        })
        try assertSpecimen(doc)
    }

    func testTagLossMidReadResumesWithTheSameFiles() async throws {
        let (reference, _) = try await read()
        let (doc, channel) = try await read(profile: "tag-loss-at-12")
        XCTAssertEqual(channel.reconnects, 1)
        XCTAssertGreaterThanOrEqual(doc.stats.resumes, 1)
        XCTAssertEqual(doc.files, reference.files)
        try assertSpecimen(doc)
    }

    func testTagLossAtManyPointsResumes() async throws {
        let (_, reference) = try await read()
        for n in [1, 3, 7, reference.apdus / 2, reference.apdus] {
            let (doc, channel) = try await read(profile: "tag-loss-at-\(n)")
            XCTAssertEqual(channel.reconnects, 1, "tag-loss-at-\(n)")
            try assertSpecimen(doc)
        }
    }

    func testATagThatNeverComesBackIsTagLost() async throws {
        let chip = try VirtualPassport(profile: "tag-loss-at-12")
        let session = try ReadSession(key: .mrz(lines: try chip.mrzLines()), options: defaultReadOptions())
        do {
            _ = try await ReadDriver.read(session: session, channel: SimulatorChannel(chip, comesBack: false))
            XCTFail("read succeeded")
        } catch IdProofError.TagLost(let code, _) {
            XCTAssertEqual(code, "TAG_LOST")
        }
    }

    func testWrongMrzIsAccessDenied() async throws {
        do {
            _ = try await read(key: { _ in
                .documentData(documentNumber: "L898902C3", birthDate: "740813", expiryDate: "340415")
            })
            XCTFail("read succeeded")
        } catch IdProofError.AccessDenied(let code, _) {
            XCTAssertEqual(code, "ACCESS_DENIED")
        }
    }

    func testACanOnABacOnlyChipIsUnsupportedAndAMalformedCanIsInvalid() async throws {
        do {
            _ = try await read(key: { _ in .can(can: "123456") })
            XCTFail("read succeeded")
        } catch IdProofError.Unsupported(let code, _) {
            XCTAssertEqual(code, "UNSUPPORTED")
        }
        XCTAssertThrowsError(try ReadSession(key: .can(can: "12a"), options: defaultReadOptions())) { error in
            guard case IdProofError.InvalidInput(let code, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "USAGE")
        }
    }

    func testModernPassportReadsByPaceCamAndVerifiesAuthentic() async throws {
        let (doc, trust) = try await readWithTrust(profile: "modern-passport")
        XCTAssertEqual(doc.mrz?.surname, "ERIKSSON")
        XCTAssertEqual(doc.mrz?.lines, specimenMrz)
        XCTAssertEqual(doc.access.protocol, .pace)
        XCTAssertEqual(doc.access.mapping, "CAM")
        XCTAssertEqual(doc.access.password, .mrz)
        XCTAssertEqual(doc.access.cipher, "AES-128")
        XCTAssertTrue(doc.access.paceOffered)
        let ca = try XCTUnwrap(doc.chip.chipAuthentication)
        XCTAssertTrue(ca.confirmed)
        XCTAssertNil(ca.failure)
        XCTAssertNotNil(doc.chip.paceCam)
        let aa = try XCTUnwrap(doc.activeAuthentication)
        XCTAssertEqual(aa.challenge, challenge)
        guard case .signature = aa.response else { return XCTFail("\(aa.response)") }

        let report = try verify(document: doc, trustStore: trust, atUnixSeconds: now(), accessMrz: specimenMrz)
        XCTAssertEqual(report.verdict, .authentic, "\(report.failures)")
        XCTAssertTrue(report.failures.isEmpty)
        for name in ["sod_signature", "dsc_chain", "dg_hashes", "com_consistency", "mrz", "dg1_mrz_match",
                     "chip_authentication", "active_authentication", "lds_parse", "card_security"] {
            XCTAssertEqual(status(report, name), .passed, name)
        }
        // Without trust anchors the same document is never authentic.
        let empty = try verify(document: doc, trustStore: TrustStore(), atUnixSeconds: now(), accessMrz: specimenMrz)
        XCTAssertEqual(empty.verdict, .incomplete)
        XCTAssertEqual(try verifyRead(document: doc, accessMrz: specimenMrz).verdict, .incomplete)
    }

    func testSpecimenBacReadWithActiveAuthenticationVerifiesAuthentic() async throws {
        let (doc, trust) = try await readWithTrust(profile: "specimen")
        try assertSpecimen(doc)
        XCTAssertNil(doc.access.mapping)
        XCTAssertNil(doc.chip.chipAuthentication)
        let report = try verify(document: doc, trustStore: trust, atUnixSeconds: now(), accessMrz: specimenMrz)
        XCTAssertEqual(report.verdict, .authentic, "\(report.failures)")
        XCTAssertEqual(status(report, "active_authentication"), .passed)
        // The BAC specimen has no DG14 and no PACE-CAM: nothing proves it is not a clone.
        XCTAssertEqual(status(report, "chip_authentication"), .notPerformed)
    }

    func testCanOnlyCardReadsWithItsCanAndVerifiesAuthentic() async throws {
        let (doc, trust) = try await readWithTrust(profile: "can-only") { chip in
            .can(can: try XCTUnwrap(try chip.can()))
        }
        XCTAssertEqual(doc.access.protocol, .pace)
        XCTAssertEqual(doc.access.password, .can)
        XCTAssertEqual(doc.access.mapping, "GM")
        XCTAssertEqual(doc.mrz?.format, "TD1")
        XCTAssertEqual(doc.mrz?.surname, "ERIKSSON")
        let report = try verify(document: doc, trustStore: trust, atUnixSeconds: now(), accessMrz: nil)
        XCTAssertEqual(report.verdict, .authentic, "\(report.failures)")
        XCTAssertEqual(status(report, "active_authentication"), .passed)
        // Read by CAN: no access MRZ to compare with, but DG1's own check digits are checked.
        XCTAssertEqual(status(report, "mrz"), .passed)
        XCTAssertEqual(status(report, "dg1_mrz_match"), .notPerformed)
    }

    func testWrongCanIsAccessDenied() async throws {
        do {
            _ = try await read(profile: "can-only", key: { _ in .can(can: "654321") })
            XCTFail("read succeeded")
        } catch IdProofError.AccessDenied(let code, _) {
            XCTAssertEqual(code, "ACCESS_DENIED")
        }
    }

    func testAForgedActiveAuthenticationAnswerFailsVerification() async throws {
        let (doc, trust) = try await readWithTrust(profile: "modern-passport")
        let aa = try XCTUnwrap(doc.activeAuthentication)
        guard case .signature(var signature) = aa.response else { return XCTFail("\(aa.response)") }
        signature[signature.count - 1] ^= 0x01
        let forged = Document(
            files: doc.files, absent: doc.absent, refused: doc.refused, access: doc.access, chip: doc.chip,
            activeAuthentication: AaExchange(challenge: aa.challenge, response: .signature(signature: signature)),
            stats: doc.stats, mrz: doc.mrz, faces: doc.faces, personalDetails: doc.personalDetails,
            problems: doc.problems)
        let report = try verify(document: forged, trustStore: trust, atUnixSeconds: now(), accessMrz: specimenMrz)
        XCTAssertEqual(report.verdict, .failed)
        XCTAssertEqual(code(report, "active_authentication"), "AA_FAILED")
        XCTAssertEqual(report.failures.map(\.code), ["AA_FAILED"])
    }

    func testAnActiveAuthenticationChallengeIsEightBytes() throws {
        let fresh = try newActiveAuthenticationChallenge()
        XCTAssertEqual(fresh.count, 8)
        XCTAssertNotEqual(fresh, try newActiveAuthenticationChallenge())
        XCTAssertNil(defaultReadOptions().activeAuthenticationChallenge)
        for size in [0, 7, 9] {
            let options = ReadOptions(extendedLength: .auto, activeAuthenticationChallenge: Data(count: size))
            XCTAssertThrowsError(try ReadSession(key: .can(can: "123456"), options: options)) { error in
                guard case IdProofError.InvalidInput(let code, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(code, "USAGE")
            }
        }
    }

    func testTrustStoreRecognisesFilesAndRefusesJunk() throws {
        let chip = try VirtualPassport(profile: "specimen")
        let trust = TrustStore()
        XCTAssertEqual(try trust.addFile(bytes: try chip.cscaDer(), policy: .verifyWithStore, label: "csca.der"), .certificate)
        XCTAssertEqual(try trust.addCertificate(bytes: try chip.cscaDer(), label: "again"), 0)
        XCTAssertThrowsError(try trust.addCertificate(bytes: Data("not a certificate".utf8), label: "junk")) { error in
            guard case IdProofError.InvalidInput(let code, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "USAGE")
        }
        let summary = try trust.summary()
        XCTAssertEqual(summary.certificates, 1)
        XCTAssertEqual(summary.countries.map(\.country), ["UT"])
        XCTAssertEqual(summary.sources.map(\.label), ["csca.der", "again"])
    }

    func testProgressIsMonotonicAndEndsComplete() async throws {
        var seen: [ReadProgress] = []
        _ = try await read(progress: { seen.append($0) })
        XCTAssertGreaterThan(seen.count, 5)
        for (a, b) in zip(seen, seen.dropFirst()) {
            XCTAssertGreaterThanOrEqual(b.filesDone, a.filesDone)
            XCTAssertGreaterThanOrEqual(b.filesPlanned, a.filesPlanned)
            if a.file != nil && a.file == b.file {
                XCTAssertGreaterThanOrEqual(b.fileBytesDone, a.fileBytesDone)
            }
        }
        XCTAssertEqual(seen.last?.phase, .complete)
        XCTAssertEqual(seen.last?.filesDone, seen.last?.filesPlanned)
    }

    func testProgressStreamEndsWithTheDocument() async throws {
        let chip = try VirtualPassport(profile: "specimen")
        let session = try ReadSession(key: .mrz(lines: try chip.mrzLines()), options: defaultReadOptions())
        var progressEvents = 0
        var document: Document?
        for try await event in ReadDriver.events(session: session, channel: SimulatorChannel(chip)) {
            switch event {
            case .progress: XCTAssertNil(document); progressEvents += 1
            case .done(let d): document = d
            }
        }
        XCTAssertGreaterThan(progressEvents, 5)
        try assertSpecimen(try XCTUnwrap(document))
    }

    func testCancellingTheTaskStopsTheRead() async throws {
        final class Stalling: ApduChannel {
            let chip: VirtualPassport
            var sent = 0
            init(_ chip: VirtualPassport) { self.chip = chip }
            func transceive(_ apdu: Data) async throws -> Data {
                sent += 1
                if sent == 6 {
                    try await Task.sleep(nanoseconds: 60_000_000_000) // throws CancellationError when cancelled
                }
                return try chip.transmit(apdu: apdu)
            }
            func reconnect() async -> Bool { true }
        }
        let chip = try VirtualPassport(profile: "specimen")
        let channel = Stalling(chip)
        let session = try ReadSession(key: .mrz(lines: try chip.mrzLines()), options: defaultReadOptions())
        let task = Task { try await ReadDriver.read(session: session, channel: channel) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("read completed")
        } catch is CancellationError {
            XCTAssertEqual(channel.sent, 6)
        }
    }

    func testVerifyReadReportsChecksWithStableNames() async throws {
        let (doc, _) = try await read()
        let report = try verifyRead(document: doc, accessMrz: specimenMrz)
        // Without a trust store the SOD signature and hashes verify but the DSC chain cannot.
        XCTAssertEqual(report.verdict, .incomplete)
        let status = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.name, $0.status) })
        XCTAssertEqual(status["mrz"], .passed)
        XCTAssertEqual(status["dg1_mrz_match"], .passed)
        XCTAssertEqual(status["sod_signature"], .passed)
        XCTAssertEqual(status["dg_hashes"], .passed)
        XCTAssertEqual(status["dsc_chain"], .notPerformed)
        XCTAssertTrue(report.failures.isEmpty)
        // Deviation-list annotations exist only where a verified list explains a failure.
        XCTAssertTrue(report.checks.allSatisfy { $0.deviations.isEmpty })

        let otherHolder = ["P<UTOSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<", specimenMrz[1]]
        let mismatch = try verifyRead(document: doc, accessMrz: otherHolder)
        XCTAssertEqual(mismatch.verdict, .failed)
        XCTAssertEqual(mismatch.failures.map(\.code), ["MRZ_MISMATCH"])
    }

    func testMrzParsingAndItsErrors() throws {
        let mrz = try parseMrz(lines: specimenMrz)
        XCTAssertEqual(mrz.issuingState, "UTO")
        XCTAssertEqual(mrz.sex, "F")
        XCTAssertTrue(mrz.valid && mrz.checkDigitFailures.isEmpty)
        XCTAssertEqual(try parseMrz(lines: [specimenMrz.joined(separator: "\n")]).documentNumber, "L898902C3")

        var line2 = Array(specimenMrz[1])
        line2[19] = "3"
        let badDigit = try parseMrz(lines: [specimenMrz[0], String(line2)])
        XCTAssertFalse(badDigit.valid)
        XCTAssertTrue(badDigit.checkDigitFailures.contains("birth_date"), "\(badDigit.checkDigitFailures)")

        for bad in [["P<UTO"], [specimenMrz[0].lowercased(), specimenMrz[1]], []] {
            XCTAssertThrowsError(try parseMrz(lines: bad)) { error in
                guard case IdProofError.InvalidInput(let code, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(code, "MRZ_FORMAT")
            }
        }
    }

    func testAPanicInRustIsATypedInternalError() async throws {
        let chip = try VirtualPassport(profile: "panic-at-5")
        let session = try ReadSession(key: .mrz(lines: try chip.mrzLines()), options: defaultReadOptions())
        do {
            _ = try await ReadDriver.read(session: session, channel: SimulatorChannel(chip))
            XCTFail("read succeeded")
        } catch IdProofError.Internal(let code, let detail) {
            XCTAssertEqual(code, "INTERNAL")
            XCTAssertTrue(detail.contains("deliberate panic"), detail)
        }
        // The object that panicked refuses further use instead of continuing half-updated.
        XCTAssertThrowsError(try chip.reconnect()) { error in
            guard case IdProofError.Internal(let code, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "INTERNAL")
        }
    }

    func testANoExtendedLengthChipReadsTheSameFiles() async throws {
        let (doc, _) = try await read(profile: "no-extended-length")
        try assertSpecimen(doc)
        XCTAssertFalse(doc.stats.extendedLengthUsed)
    }

    func testTagMailboxDeliversOrTimesOut() async throws {
        let mailbox = TagMailbox<Int>()
        let none = await mailbox.next(timeout: 0.05)
        XCTAssertNil(none)
        await mailbox.put(1)
        let kept = await mailbox.next(timeout: 1)
        XCTAssertEqual(kept, 1)
        async let waited = mailbox.next(timeout: 5)
        try await Task.sleep(nanoseconds: 50_000_000)
        await mailbox.put(2)
        let delivered = await waited
        XCTAssertEqual(delivered, 2)
    }
}
