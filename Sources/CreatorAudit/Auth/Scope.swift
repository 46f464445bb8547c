// Scopes nest: admin ⊃ write ⊃ read. A key stores its expanded set.
public enum Scope: String, Sendable, Codable, CaseIterable, Comparable {
    case read, write, admin

    var rank: Int {
        switch self {
        case .read: return 0
        case .write: return 1
        case .admin: return 2
        }
    }

    public static func < (a: Scope, b: Scope) -> Bool { a.rank < b.rank }

    /// Every scope implied by `scopes`, in order: `[write]` → `[read, write]`.
    public static func expand(_ scopes: some Sequence<Scope>) -> [Scope] {
        guard let highest = scopes.max() else { return [] }
        return Scope.allCases.filter { $0 <= highest }
    }

    /// Parses `read,write` (CLI) — nil names the first unknown value.
    public static func parseList(_ text: String) -> Result<[Scope], ParseError> {
        var scopes: [Scope] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let scope = Scope(rawValue: name) else { return .failure(ParseError(value: name)) }
            scopes.append(scope)
        }
        guard !scopes.isEmpty else { return .failure(ParseError(value: text)) }
        return .success(expand(scopes))
    }

    public struct ParseError: Error { public let value: String }
}

import Foundation
