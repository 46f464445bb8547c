// The server's TLS policy: TLS 1.2 minimum (1.3 preferred by BoringSSL) and only AEAD suites with forward
// secrecy, as in Mozilla's "intermediate" profile. swift-nio-ssl's defaults would allow TLS 1.0 and CBC.
import Crypto
import Foundation
import NIOSSL

public enum TLSSettings {
    /// TLS 1.2 suites; TLS 1.3's suites are all AEAD and fixed by BoringSSL.
    static let cipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    public static func serverConfiguration(certificatePath: String, keyPath: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw ConfigurationError("cannot read the TLS certificate at \(certificatePath)")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw ConfigurationError("cannot read the TLS private key at \(keyPath)")
        }
        guard !chain.isEmpty else { throw ConfigurationError("no certificate found in \(certificatePath)") }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        tls.maximumTLSVersion = .tlsv13
        tls.cipherSuiteValues = cipherSuites
        tls.applicationProtocols = ["http/1.1"]
        return tls
    }

    /// SHA-256 fingerprint of the first certificate in a PEM file, `AB:CD:…`.
    public static func fingerprint(ofPEMFile path: String) throws -> String {
        guard let certificate = try NIOSSLCertificate.fromPEMFile(path).first else {
            throw ConfigurationError("no certificate found in \(path)")
        }
        let der = try certificate.toDERBytes()
        return SHA256.hash(data: der).map { byte in
            let hex = Hex.encode([byte]).uppercased()
            return hex
        }.joined(separator: ":")
    }
}
