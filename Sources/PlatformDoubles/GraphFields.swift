// The Graph API's field expansion syntax, as far as business discovery uses it:
//   business_discovery.username(NAME){followers_count,media.after(CURSOR).limit(N){id,like_count}}
// A field has a name, modifiers `.name(argument)` and optionally `{sub-fields}`.
struct GraphField: Equatable {
    var name: String
    var modifiers: [String: String] = [:]
    var children: [GraphField]?

    func child(_ name: String) -> GraphField? { children?.first { $0.name == name } }
    func wants(_ name: String) -> Bool { children?.contains { $0.name == name } ?? false }

    /// Parses a comma-separated field list; nil when malformed.
    static func parse(_ text: String) -> [GraphField]? {
        var parser = Parser(characters: Array(text))
        guard let fields = parser.list(), parser.index == parser.characters.count else { return nil }
        return fields
    }

    private struct Parser {
        let characters: [Character]
        var index = 0

        var current: Character? { index < characters.count ? characters[index] : nil }

        mutating func list() -> [GraphField]? {
            var fields: [GraphField] = []
            repeat {
                if current == "," { index += 1 }
                guard let field = field() else { return nil }
                fields.append(field)
            } while current == ","
            return fields
        }

        mutating func name() -> String? {
            let start = index
            while let character = current, character.isLetter || character.isNumber || character == "_" { index += 1 }
            return index > start ? String(characters[start..<index]) : nil
        }

        mutating func field() -> GraphField? {
            guard let name = name() else { return nil }
            var field = GraphField(name: name)
            while current == "." {
                index += 1
                guard let modifier = self.name(), current == "(" else { return nil }
                index += 1
                let start = index
                // Cursors are opaque: anything up to the closing parenthesis.
                while let character = current, character != ")" { index += 1 }
                guard current == ")" else { return nil }
                field.modifiers[modifier] = String(characters[start..<index])
                index += 1
            }
            if current == "{" {
                index += 1
                guard let children = list(), current == "}" else { return nil }
                index += 1
                field.children = children
            }
            return field
        }
    }
}
