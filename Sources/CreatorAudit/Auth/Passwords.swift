// Dashboard passwords: 12–72 bytes (bcrypt ignores what follows 72), bcrypt cost 12 on the thread pool.
import Foundation
import HummingbirdBcrypt
import NIOPosix

enum Passwords {
    /// Checked on every path that sets a password.
    static func validate(_ password: String, field: String = "password") throws {
        let bytes = password.utf8.count
        guard bytes >= Provisioning.minimumPasswordBytes else {
            throw DomainError.invalid([FieldError(field: field, message: "must be at least 12 characters")])
        }
        guard bytes <= Provisioning.maximumPasswordBytes else {
            throw DomainError.invalid([FieldError(field: field, message: "must be at most 72 bytes")])
        }
    }

    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await pool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// bcrypt's own threads. Not NIOThreadPool.singleton: SQLiteNIO runs every query there, and a burst of
    /// sign-ins would stall the database for everyone.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Verified against when the email is unknown, so both failures cost the same time.
    /// (bcrypt, cost 12, of a random string nobody knows.)
    static let decoyHash = "$2b$12$735UqrSRsDpjkEJzXQrFkuVDp5M2duGCB26yMDRK7doujsG.Zj7kK"
}
