// A credential of a platform source. It prints as `[redacted]` everywhere — string interpolation, `dump`,
// debug descriptions — so a configuration value logged by mistake leaks nothing. Only the request that needs
// it reads `value`.
public struct SourceSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
