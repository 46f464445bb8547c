// JSON bodies for responses: one encoder configuration for the whole API.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, contentType: String = "application/json"
    ) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `{"data": ...}`
struct DataEnvelope<Payload: Encodable>: Encodable {
    let data: Payload
}
