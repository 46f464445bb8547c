// An IPv4 or IPv6 network, for `--trusted-proxy`.
import Foundation

public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = parts.first, let bytes = Self.parseAddress(String(address)) else { return nil }
        let maximum = bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        self.network = Self.mask(bytes, length)
        self.prefixLength = length
        self.description = text
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.parseAddress(address), bytes.count == network.count else { return false }
        return Self.mask(bytes, prefixLength) == network
    }

    /// Parses a textual IP address (IPv4-mapped IPv6 is reduced to IPv4).
    static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return Array(bytes[12...])
            }
            return bytes
        }
        return nil
    }

    private static func mask(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, length - index * 8))
            return bits == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        }
    }

    /// `10.0.0.0/8,192.168.0.0/16` — nil names the first bad entry.
    public static func parseList(_ text: String) -> Result<[CIDR], ParseError> {
        var list: [CIDR] = []
        for part in text.split(separator: ",") {
            let entry = part.trimmingCharacters(in: .whitespaces)
            guard let cidr = CIDR(entry) else { return .failure(ParseError(entry: entry)) }
            list.append(cidr)
        }
        return .success(list)
    }

    public struct ParseError: Error { public let entry: String }
}
