import Foundation
import XCTest
@testable import IdProof

/// The simulator passport's DG2 face decoded by the core for a face matcher: RGB pixels and PNG.
final class FaceImageTests: XCTestCase {
    func readFace() async throws -> Data {
        let chip = try VirtualPassport(profile: "specimen")
        let session = try ReadSession(key: .mrz(lines: try chip.mrzLines()), options: defaultReadOptions())
        let document = try await ReadDriver.read(session: session, channel: SimulatorChannel(chip))
        XCTAssertEqual(document.faces.count, 1)
        return try XCTUnwrap(document.faces.first).data
    }

    func pixel(_ face: DecodedFace, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * Int(face.width) + x) * 3
        return Array(face.rgb[i..<i + 3])
    }

    func testTheSimulatorPassportsFaceDecodesToRgbAndPng() async throws {
        let image = try await readFace()
        let face = try decodeFaceImage(image: image)
        XCTAssertEqual(face.encoding, .jp2)
        XCTAssertEqual(face.sourceColour, .rgb)
        XCTAssertEqual(face.width, 413)
        XCTAssertEqual(face.height, 531)
        XCTAssertEqual(face.rgb.count, 413 * 531 * 3)
        // The pixels `core/tests/face_decode.rs` pins (SHA-256 b4be0240…): their sum and four of them.
        XCTAssertEqual(face.rgb.reduce(0) { $0 + Int($1) }, 82_541_497)
        XCTAssertEqual(pixel(face, 0, 0), [246, 247, 247])
        XCTAssertEqual(pixel(face, 103, 132), [255, 224, 187])
        XCTAssertEqual(pixel(face, 206, 265), [202, 103, 81])
        XCTAssertEqual(pixel(face, 412, 530), [248, 244, 247])

        let png = try faceImagePng(image: image)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width 413, height 531, 8 bits, colour type 2 (RGB).
        XCTAssertEqual(Array(png[16..<26]), [0, 0, 1, 157, 0, 0, 2, 19, 8, 2])
    }

    func testATruncatedFaceIsAChipErrorWithFaceDecode() async throws {
        let image = try await readFace()
        do {
            _ = try decodeFaceImage(image: image.prefix(image.count - 10))
            XCTFail("a truncated image decoded")
        } catch IdProofError.Chip(let code, let detail) {
            XCTAssertEqual(code, "FACE_DECODE")
            XCTAssertTrue(detail.contains("truncated"), detail)
        }
    }
}
