// Escaping text for HTML we build ourselves (the API reference page, the dashboard's server-drawn charts). Mustache
// templates escape `{{x}}` on their own; this is for markup assembled in Swift.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
