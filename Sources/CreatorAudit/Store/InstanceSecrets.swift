// Secrets every node of one installation shares (stored in the database, created on first use).
import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit

public final class InstanceSecrets: Sendable {
    let database: Database
    private let cache = NIOLockedValueBox<SymmetricKey?>(nil)

    public init(database: Database) { self.database = database }

    /// The HMAC key that signs pagination cursors.
    func cursorKey() async throws -> SymmetricKey {
        if let key = cache.withLockedValue({ $0 }) { return key }
        let candidate = Hex.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        let stored = try await database.write { db -> String in
            try await db.raw("""
                INSERT INTO instance_secrets (name, value) VALUES ('cursor_key', \(bind: candidate))
                ON CONFLICT (name) DO NOTHING
                """).run()
            return try await db.raw("SELECT value FROM instance_secrets WHERE name = 'cursor_key'").first()?
                .reader("instance_secrets").value("value", as: String.self) ?? candidate
        }
        var bytes: [UInt8] = []
        var index = stored.startIndex
        while index < stored.endIndex {
            let next = stored.index(index, offsetBy: 2)
            bytes.append(UInt8(stored[index..<next], radix: 16) ?? 0)
            index = next
        }
        let key = SymmetricKey(data: bytes)
        cache.withLockedValue { $0 = key }
        return key
    }
}
