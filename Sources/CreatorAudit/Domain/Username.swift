import Foundation

/// Account usernames as the product stores them, whether they come from the API or an import file.
enum Username {
    /// A leading `@` is dropped and case is folded; 1–100 ASCII letters, digits, `.` and `_`. Nil otherwise.
    /// `trimming`: what may surround it (import files: any whitespace).
    static func normalize(_ raw: String, trimming: CharacterSet = .whitespaces) -> String? {
        var text = raw.trimmingCharacters(in: trimming)
        if text.hasPrefix("@") { text.removeFirst() }
        text = text.lowercased()
        guard (1...100).contains(text.count),
              text.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "." || $0 == "_" })
        else { return nil }
        return text
    }
}
