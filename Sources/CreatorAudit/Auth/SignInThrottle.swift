// Failed sign-ins, counted so that guessing is slow but nobody can lock a member out (README, "Dashboard"):
// - per (email, address): 5 failures in 5 minutes block that email from that address — a stranger blocks
//   only themselves;
// - per address: 20 failures in 5 minutes across emails (one address trying many accounts);
// - per email: 30 failures in an hour from anywhere — slower and higher, against guessing from many addresses.
// A browser the member has signed in with before (a valid `TrustedDevice` cookie for that email) is exempt from
// the last two, so neither a flood from elsewhere nor neighbours behind the same NAT keep the member out; only
// its own (email, address) failures count. IPv6 addresses count per /64 (one subscriber's whole prefix).
// In this node's memory, sliding windows; a blocked attempt is not counted, so waiting always helps.
import NIOConcurrencyHelpers

final class SignInThrottle: Sendable {
    struct Limit: Sendable {
        let failures: Int
        let window: Int64
    }

    static let perEmailAndAddress = Limit(failures: 5, window: 300)
    static let perAddress = Limit(failures: 20, window: 300)
    static let perEmail = Limit(failures: 30, window: 3600)

    private let failures = NIOLockedValueBox([String: [Int64]]())

    func isBlocked(email: String, address: String, trustedDevice: Bool, now: Timestamp = .now) -> Bool {
        let subjects = Self.subjects(email: email, address: address)
        return failures.withLockedValue { failures in
            if Self.recent(failures[subjects.pair], Self.perEmailAndAddress, now) >= Self.perEmailAndAddress.failures {
                return true
            }
            if trustedDevice { return false }
            return Self.recent(failures[subjects.address], Self.perAddress, now) >= Self.perAddress.failures
                || Self.recent(failures[subjects.email], Self.perEmail, now) >= Self.perEmail.failures
        }
    }

    func recordFailure(email: String, address: String, now: Timestamp = .now) {
        let subjects = Self.subjects(email: email, address: address)
        failures.withLockedValue { failures in
            if failures.count > 10_000 {
                failures = failures.filter { ($0.value.last ?? 0) > now.seconds - Self.perEmail.window }
            }
            for (subject, limit) in [(subjects.pair, Self.perEmailAndAddress), (subjects.address, Self.perAddress),
                                     (subjects.email, Self.perEmail)] {
                var times = (failures[subject] ?? []).filter { $0 > now.seconds - limit.window }
                times.append(now.seconds)
                failures[subject] = Array(times.suffix(limit.failures))
            }
        }
    }

    private static func subjects(email: String, address: String) -> (pair: String, address: String, email: String) {
        let client = addressBucket(address)
        return ("pair:" + email + "|" + client, "address:" + client, "email:" + email)
    }

    /// IPv4 addresses as they are; IPv6 by their first 64 bits.
    static func addressBucket(_ address: String) -> String {
        guard address.contains(":"), let bytes = CIDR.parseAddress(address), bytes.count == 16 else { return address }
        return bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: ".") + "/64"
    }

    private static func recent(_ times: [Int64]?, _ limit: Limit, _ now: Timestamp) -> Int {
        (times ?? []).filter { $0 > now.seconds - limit.window }.count
    }
}
