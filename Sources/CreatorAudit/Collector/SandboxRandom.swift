// Deterministic randomness for the sandbox source: a seed from text (FNV-1a, stable across runs and
// machines, unlike Swift's `Hasher`) and SplitMix64 for the stream. Never the system generator: the same
// platform and username must give the same history everywhere.
import Foundation

/// SplitMix64 (Steele, Lea & Flood): tiny, fast, and good enough for plausible-looking numbers.
struct SandboxRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    /// A generator for `seed` refined by `salt` (an index, a day, a purpose), independent of other salts.
    init(seed: UInt64, salt: UInt64) { self.state = Self.mix(seed ^ Self.mix(salt &+ 0x9E37_79B9_7F4A_7C15)) }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double { range.lowerBound + unit() * (range.upperBound - range.lowerBound) }

    /// Log-uniform in `range` (both bounds positive): as many values between 1k and 10k as between 10k and 100k.
    mutating func logUniform(_ range: ClosedRange<Double>) -> Double {
        Foundation.exp(log(range.lowerBound) + unit() * (log(range.upperBound) - log(range.lowerBound)))
    }

    /// A standard normal variate (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// The SplitMix64 finaliser: a bijective scramble of 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes, then scrambled.
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return mix(hash)
    }
}
