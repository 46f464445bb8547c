// The HTML reference page of `/v2/docs`, rendered once from the OpenAPI document: operations grouped by tag
// (method, path, summary, description, authentication, parameters, body fields, responses), then the schemas.
// Plain HTML with an inline stylesheet: no script, no fonts, nothing fetched from elsewhere.
import Foundation

enum APIReferencePage {
    static func render(_ document: OpenAPIDocument) -> String {
        Renderer(root: document.root).page()
    }
}

private struct Operation {
    let method: String
    let path: String
    let value: JSONValue
    var id: String { value["operationId"]?.stringValue ?? (method + path) }
}

private struct Renderer {
    let root: JSONValue
    static let methodOrder = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]

    var components: JSONValue { root["components"] ?? .null }

    // MARK: page

    func page() -> String {
        let info = root["info"] ?? .null
        let title = info["title"]?.stringValue ?? "API"
        let version = info["version"]?.stringValue ?? ""
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) reference</title>
            <style>\(Self.stylesheet)</style>
            </head><body>
            <nav aria-label="Operations"><h2>Operations</h2>

            """
        let groups = groupedOperations()
        for (tag, operations) in groups {
            html += "<h3>\(escape(tag))</h3><ul>"
            for operation in operations {
                html += "<li><a href=\"#\(anchor(operation.id))\"><span class=\"m m-\(operation.method)\">"
                    + "\(operation.method.uppercased())</span> <code>\(escape(operation.path))</code></a></li>"
            }
            html += "</ul>\n"
        }
        html += "<h3><a href=\"#schemas\">Schemas</a></h3></nav>\n<main>\n"
        html += "<header><h1>\(escape(title)) <small>\(escape(version))</small></h1>"
            + prose(info["summary"]?.stringValue ?? "") + "</header>\n"
        html += "<section id=\"introduction\">\(prose(info["description"]?.stringValue ?? ""))</section>\n"
        let tagDescriptions = Dictionary(
            root["tags"]?.arrayValue.compactMap { tag in tag["name"]?.stringValue.map { ($0, tag["description"]?.stringValue ?? "") } } ?? [],
            uniquingKeysWith: { first, _ in first })
        for (tag, operations) in groups {
            html += "<section class=\"tag\" id=\"tag-\(anchor(tag))\"><h2>\(escape(tag))</h2>"
            html += prose(tagDescriptions[tag] ?? "")
            for operation in operations { html += render(operation) }
            html += "</section>\n"
        }
        html += schemasSection()
        html += "</main></body></html>\n"
        return html
    }

    /// Operations by their first tag, tags in the document's order; within a tag by path, then method.
    func groupedOperations() -> [(String, [Operation])] {
        var byTag: [String: [Operation]] = [:]
        for (path, item) in root["paths"]?.objectValue ?? [:] {
            for (method, value) in item.objectValue where Self.methodOrder.contains(method) {
                let tag = value["tags"]?.arrayValue.first?.stringValue ?? "Other"
                byTag[tag, default: []].append(Operation(method: method, path: path, value: value))
            }
        }
        var order = root["tags"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
        order += byTag.keys.filter { !order.contains($0) }.sorted()
        return order.compactMap { tag in
            guard let operations = byTag[tag] else { return nil }
            let sorted = operations.sorted {
                ($0.path, Self.methodOrder.firstIndex(of: $0.method) ?? 99) < ($1.path, Self.methodOrder.firstIndex(of: $1.method) ?? 99)
            }
            return (tag, sorted)
        }
    }

    // MARK: one operation

    func render(_ operation: Operation) -> String {
        let value = operation.value
        var html = "<article class=\"op\" id=\"\(anchor(operation.id))\">"
        html += "<h3><span class=\"m m-\(operation.method)\">\(operation.method.uppercased())</span> "
            + "<code>\(escape(operation.path))</code></h3>"
        if let summary = value["summary"]?.stringValue { html += "<p class=\"summary\">\(inline(summary))</p>" }
        html += prose(value["description"]?.stringValue ?? "")
        let security = value["security"] ?? root["security"] ?? .array([])
        let needsKey = !security.arrayValue.filter { !$0.objectValue.isEmpty }.isEmpty
        html += "<p class=\"auth\">Authentication: "
            + (needsKey ? "API key (<code>Authorization: Bearer &lt;key&gt;</code>)" : "none") + "</p>"

        let parameters = (value["parameters"]?.arrayValue ?? []).map(resolve)
        if !parameters.isEmpty {
            html += "<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>"
            for parameter in parameters {
                let required = parameter["required"]?.boolValue == true
                html += "<tr><td><code>\(escape(parameter["name"]?.stringValue ?? ""))</code>"
                    + (required ? " <span class=\"req\">required</span>" : "") + "</td>"
                    + "<td>\(escape(parameter["in"]?.stringValue ?? ""))</td>"
                    + "<td>\(typeText(parameter["schema"] ?? .null))</td>"
                    + "<td>\(inline(parameter["description"]?.stringValue ?? ""))</td></tr>"
            }
            html += "</tbody></table>"
        }

        if let body = value["requestBody"].map(resolve) {
            for (mediaType, media) in (body["content"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let schema = media["schema"] ?? .null
                html += "<h4>Request body <small>\(escape(mediaType)) · \(typeText(schema))</small></h4>"
                html += fieldsTable(resolve(schema))
                for (_, example) in (media["examples"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    guard let value = example["value"] else { continue }
                    html += "<p class=\"example\">Example: \(inline(example["summary"]?.stringValue ?? ""))</p>"
                        + "<pre><code>\(escape(json(value)))</code></pre>"
                }
            }
        }

        html += "<h4>Responses</h4><table><thead><tr><th>Status</th><th>Description</th><th>Body</th><th>Headers</th></tr></thead><tbody>"
        for (status, response) in (value["responses"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let response = resolve(response)
            let bodies = (response["content"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }).map { mediaType, media in
                "\(escape(mediaType)): \(typeText(media["schema"] ?? .null))"
            }
            let headers = (response["headers"]?.objectValue ?? [:]).keys.sorted().map { "<code>\(escape($0))</code>" }
            html += "<tr><td><strong>\(escape(status))</strong></td>"
                + "<td>\(inline(response["description"]?.stringValue ?? ""))</td>"
                + "<td>\(bodies.isEmpty ? "—" : bodies.joined(separator: "<br>"))</td>"
                + "<td>\(headers.joined(separator: " "))</td></tr>"
        }
        html += "</tbody></table>"
        let links = (value["responses"]?.objectValue ?? [:]).values.flatMap { resolve($0)["links"]?.objectValue.values.map { $0 } ?? [] }
        let targets = Set(links.compactMap { $0["operationId"]?.stringValue })
        if !targets.isEmpty {
            html += "<p class=\"links\">Next steps: " + targets.sorted().map { "<a href=\"#\(anchor($0))\">\(escape($0))</a>" }
                .joined(separator: ", ") + "</p>"
        }
        return html + "</article>\n"
    }

    // MARK: schemas

    func schemasSection() -> String {
        var html = "<section id=\"schemas\"><h2>Schemas</h2>"
        for (name, schema) in (components["schemas"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            html += "<article class=\"schema\" id=\"schema-\(anchor(name))\"><h3>\(escape(name))</h3>"
            html += prose(schema["description"]?.stringValue ?? "")
            if schema["properties"] != nil {
                html += fieldsTable(schema)
            } else {
                html += "<p>Type: \(typeText(schema))</p>"
            }
            html += "</article>\n"
        }
        return html + "</section>\n"
    }

    /// The properties of an object schema: required ones first in the order `required` lists them, then the rest.
    func fieldsTable(_ schema: JSONValue) -> String {
        let properties = schema["properties"]?.objectValue ?? [:]
        guard !properties.isEmpty else { return "<p>\(typeText(schema))</p>" }
        let required = schema["required"]?.arrayValue.compactMap(\.stringValue) ?? []
        let names = required.filter { properties[$0] != nil } + properties.keys.filter { !required.contains($0) }.sorted()
        var html = "<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>"
        for name in names {
            let property = properties[name] ?? .null
            let description = property["description"]?.stringValue ?? resolve(property)["description"]?.stringValue ?? ""
            html += "<tr><td><code>\(escape(name))</code>"
                + (required.contains(name) ? " <span class=\"req\">required</span>" : "") + "</td>"
                + "<td>\(typeText(property))</td><td>\(inline(description))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    // MARK: types

    func typeText(_ schema: JSONValue) -> String {
        if let reference = schema["$ref"]?.stringValue {
            let name = reference.split(separator: "/").last.map(String.init) ?? reference
            return "<a href=\"#schema-\(anchor(name))\">\(escape(name))</a>"
        }
        if let constant = schema["const"] { return "<code>\(escape(literal(constant)))</code>" }
        var text: String
        if let values = schema["enum"]?.arrayValue, !values.isEmpty {
            text = values.map { "<code>\(escape(literal($0)))</code>" }.joined(separator: " | ")
        } else {
            var types: [String]
            switch schema["type"] {
            case .string(let type)?: types = [type]
            case .array(let list)?: types = list.compactMap(\.stringValue)
            default: types = schema.objectValue.isEmpty ? ["any"] : ["object"]
            }
            types = types.map { type in
                switch type {
                case "array": return "array of " + typeText(schema["items"] ?? .null)
                case "object":
                    if let values = schema["additionalProperties"], values.boolValue == nil {
                        return "object of " + typeText(values)
                    }
                    return "object"
                case "string":
                    if let format = schema["format"]?.stringValue { return "string (\(escape(format)))" }
                    return "string"
                default: return escape(type)
                }
            }
            text = types.joined(separator: " | ")
        }
        var notes: [String] = []
        if let minimum = number(schema["minLength"]), let maximum = number(schema["maxLength"]) {
            notes.append("\(minimum)–\(maximum) chars")
        } else if let maximum = number(schema["maxLength"]) {
            notes.append("≤ \(maximum) chars")
        } else if let minimum = number(schema["minLength"]) {
            notes.append("≥ \(minimum) chars")
        }
        if let minimum = number(schema["minimum"]), let maximum = number(schema["maximum"]) {
            notes.append("\(minimum)–\(maximum)")
        }
        if let maximum = number(schema["maxProperties"]) { notes.append("≤ \(maximum) keys") }
        if let value = schema["default"] { notes.append("default <code>\(escape(literal(value)))</code>") }
        return notes.isEmpty ? text : text + " <small>(" + notes.joined(separator: ", ") + ")</small>"
    }

    /// Compact JSON with sorted keys, for examples.
    func json(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(json).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.sorted(by: { $0.key < $1.key }).map { json(.string($0.key)) + ": " + json($0.value) }
                .joined(separator: ", ") + "}"
        case .string(let string):
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let data = (try? encoder.encode(string)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        default: return literal(value)
        }
    }

    func number(_ value: JSONValue?) -> String? {
        switch value {
        case .integer(let integer)?: return String(integer)
        case .number(let double)?: return String(double)
        default: return nil
        }
    }

    func literal(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .integer(let integer): return String(integer)
        case .number(let double): return String(double)
        case .string(let string): return string
        case .array, .object: return "…"
        }
    }

    /// Follows a local `$ref` (`#/components/...`) to what it names.
    func resolve(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue, reference.hasPrefix("#/") else { return value }
        var current = root
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = current[key] else { return value }
            current = next
        }
        return resolve(current)
    }

    // MARK: text

    func anchor(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    /// Paragraphs separated by blank lines.
    func prose(_ text: String) -> String {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { "<p>\(inline($0))</p>" }.joined()
    }

    /// Escaped text with `code` and **strong** spans, the only markup the document's descriptions use.
    func inline(_ text: String) -> String {
        var html = ""
        var inCode = false
        let pieces = escape(text).components(separatedBy: "`")
        for (index, piece) in pieces.enumerated() {
            if index > 0 {
                html += inCode ? "</code>" : "<code>"
                inCode.toggle()
            }
            html += inCode ? piece : strong(piece)
        }
        if inCode { html += "</code>" }
        return html
    }

    func strong(_ text: String) -> String {
        let parts = text.components(separatedBy: "**")
        guard parts.count >= 3, parts.count % 2 == 1 else { return text }
        return parts.enumerated().map { index, part in index % 2 == 1 ? "<strong>\(part)</strong>" : part }.joined()
    }

    func escape(_ text: String) -> String { HTMLText.escape(text) }

    static let stylesheet = """
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;margin:0;display:flex}
        nav{width:18rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;padding:1rem;background:#f5f6f8;
        box-sizing:border-box;border-right:1px solid #dde1e6;font-size:13px}
        nav ul{list-style:none;padding:0;margin:0 0 .5rem}nav li{margin:.15rem 0}nav a{color:inherit;text-decoration:none}
        nav code{word-break:break-all;background:none}
        main{flex:1;min-width:0;padding:1rem 2rem;max-width:72rem}
        h2{border-bottom:2px solid #dde1e6;padding-bottom:.25rem;margin-top:2.5rem}
        article{border:1px solid #dde1e6;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
        code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f0f2f4;padding:0 .2rem;border-radius:3px}
        table{border-collapse:collapse;width:100%;font-size:14px;margin:.5rem 0}
        th,td{border:1px solid #dde1e6;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f5f6f8}
        .m{display:inline-block;min-width:3.6rem;text-align:center;font:600 12px ui-monospace,monospace;color:#fff;
        border-radius:3px;padding:.1rem .3rem}
        .m-get{background:#1f6feb}.m-post{background:#1a7f37}.m-put{background:#9a6700}.m-patch{background:#8250df}
        .m-delete{background:#cf222e}.req{color:#cf222e;font-size:12px}.summary{font-weight:600}small{color:#57606a}
        .auth,.links,.example{font-size:14px;color:#57606a}
        pre{background:#f0f2f4;padding:.5rem;border-radius:4px;overflow:auto}pre code{padding:0}
        """
}
