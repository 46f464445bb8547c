// Free-form string metadata on accounts, videos and creators: at most 20 keys of 1–64 characters, values at most
// 255 characters (README, "Resources"). Stored as a JSON object of strings.
import Foundation

enum Metadata {
    static let maximumKeys = 20
    static let maximumValueLength = 255
    static let maximumKeyLength = 64

    static func encode(_ map: [String: String]) -> String {
        String(decoding: JSONOut.stringMap(map).serialized(), as: UTF8.self)
    }

    /// Nil when the text is not a JSON object of strings (a corrupt row; callers throw `CorruptRow`).
    static func decode(_ text: String) -> [String: String]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
    }
}
