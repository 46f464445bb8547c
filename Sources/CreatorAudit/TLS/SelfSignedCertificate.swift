// The development certificate: created on first start when no `--tls-cert/--tls-key` is given,
// reused afterwards. ECDSA P-256, SANs localhost, 127.0.0.1 and ::1, key file mode 0600.
import Crypto
import Foundation
import SwiftASN1
import X509

public enum SelfSignedCertificate {
    public struct Files: Sendable {
        public let certificatePath: String
        public let keyPath: String
        public let created: Bool
    }

    /// Returns the files under `directory`, creating them if they do not exist.
    public static func ensure(in directory: String, now: Date = Date()) throws -> Files {
        let certificatePath = directory + "/cert.pem"
        let keyPath = directory + "/key.pem"
        let manager = FileManager.default
        if manager.fileExists(atPath: certificatePath), manager.fileExists(atPath: keyPath) {
            return Files(certificatePath: certificatePath, keyPath: keyPath, created: false)
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("CreatorAudit")
            CommonName("localhost")
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            // keyCertSign lets BoringSSL-based clients accept this self-signed certificate as its own root.
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames([
                .dnsName("localhost"),
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
            ])
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(365 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: .init(key))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let certificatePEM = PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
        // Write the key with 0600 from the start: never world-readable, not even for an instant.
        guard manager.createFile(atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write the TLS key to \(keyPath)") }
        guard manager.createFile(atPath: certificatePath, contents: Data(certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
        else { throw ConfigurationError("cannot write the TLS certificate to \(certificatePath)") }
        return Files(certificatePath: certificatePath, keyPath: keyPath, created: true)
    }
}
