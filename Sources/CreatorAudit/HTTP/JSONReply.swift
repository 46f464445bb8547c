// Sending JSONOut bodies: one place for `Content-Type`, strong ETags and `If-None-Match` (every GET of the API).
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Responses with JSONOut bodies; GETs get a strong ETag and honour If-None-Match.
enum JSONReply {
    static func make(_ value: JSONOut, status: HTTPResponse.Status = .ok, headers extra: [(HTTPField.Name, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (name, value) in extra { headers[name] = value }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    /// 200 with an ETag computed from the body, or 304 when the client already has it.
    static func conditional(_ value: JSONOut, request: Request, headers extra: [(HTTPField.Name, String)] = []) -> Response {
        let bytes = value.serialized()
        let etag = ETag.strong(for: bytes)
        var headers = HTTPFields()
        headers[.eTag] = etag
        for (name, value) in extra { headers[name] = value }
        if ETag.matches(request.headers[values: .ifNoneMatch], etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

enum ETag {
    static func strong(for bytes: [UInt8]) -> String {
        "\"" + Hex.encode(Array(SHA256.hash(data: bytes)).prefix(16)) + "\""
    }

    /// `If-None-Match: "a", "b"` or `*` (weak validators compare by their opaque part, per RFC 9110 §13.1.2).
    static func matches(_ headerValues: [String], _ etag: String) -> Bool {
        for value in headerValues {
            for candidate in value.split(separator: ",") {
                let trimmed = candidate.trimmingCharacters(in: .whitespaces)
                if trimmed == "*" || trimmed == etag || trimmed == "W/" + etag { return true }
            }
        }
        return false
    }
}
