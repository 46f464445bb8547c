// What the MCP endpoint writes and reads without a server: tool results in the SDK's wire form, session ids.
import Crypto
import Foundation
import MCP
import NIOCore
import Testing

@testable import CreatorAudit

@Suite("MCP wire format")
struct MCPWireTests {
    @Test("a tool result is CallTool.Result's wire form, whatever its text holds")
    func toolResultWireForm() throws {
        let texts = [
            #"{"data":{"name":"Jane \"JD\" Doe","path":"C:\\x"}}"#, "", "line\nbreak\ttab\r\u{01}\u{1F}", "é ✓ 🎥",
            String(repeating: "{\"k\":\"v\"}", count: 5000),
        ]
        for (index, text) in texts.enumerated() {
            for isError in [false, true] {
                let output = ToolOutput(Array(text.utf8), isError: isError)
                let ids: [ID] = [.number(index), .string("req-\"\(index)\"")]
                for id in ids {
                    let body = MCPReply.toolResultBody(id: id, output)
                    let decoded = try JSONDecoder().decode(MCP.Response<CallTool>.self, from: Data(buffer: body))
                    #expect(decoded.id == id)
                    #expect(try decoded.result.get() == output.result)
                }
            }
        }
    }

    @Test("the message parser reads what JSON allows, as Foundation reads it, and refuses everything else")
    func messageParser() throws {
        let deepest = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let valid = [
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"#
                + #"{"name":"x","arguments":{"a":[1,-2.5e3,true,null,0.25]}}}"#,
            #" { "a" : "\u00e9\ud83c\udfa5 \" \\ \/ \b\f\n\r\t" , "b" : [ ] , "c" : { } , "d":0 , "e":-0.0 } "#,
            "[1,2,3]", "\"é ✓\"", "123456789012", "1E2", "0.5", "-7", deepest,
        ]
        for text in valid {
            let ours = try JSONRPCParser.parse(Array(text.utf8))
            let foundation = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
            #expect(ours == foundation, "\(text)")
        }
        let invalid = [
            "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, "[1,]", "01", "1.", ".5", "-", "+1", "1e", "tru",
            "nul", #""a"#, "\"a\u{09}b\"", #""\x""#, #""\u12""#, #""\ud83c""#, "{} {}", "NaN", "[" + deepest + "]",
        ]
        for text in invalid {
            #expect(throws: JSONRPCParser.Failure.self, "\(text)") { try JSONRPCParser.parse(Array(text.utf8)) }
        }
        let message = try IncomingMessage(Array(valid[0].utf8))
        guard case .callTool(let parameters) = message.parameters, case .request(let id) = message.kind else {
            Issue.record("not a tools/call request")
            return
        }
        #expect(id == .number(1) && parameters.name == "x")
        #expect(parameters.arguments?["a"] == .array([.int(1), .int(-2500), .bool(true), .null, .double(0.25)]))
        #expect(throws: IncomingMessage.NotJSONRPC.self) { try IncomingMessage(Array(#"{"id":1,"method":"x"}"#.utf8)) }
        #expect(throws: IncomingMessage.NotJSONRPC.self) {
            try IncomingMessage(Array(#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#.utf8))
        }
    }

    @Test("a session id is accepted for the key that opened it, on any node of the installation, and for no other")
    func sessionIDs() throws {
        let secret = SymmetricKey(size: .bits256)
        let node = MCPSessionID(instanceKey: secret)
        let otherNode = MCPSessionID(instanceKey: secret)
        let key = APIKeyID()
        let otherKey = APIKeyID()
        let id = node.issue(for: key)
        #expect(id.utf8.count == 43 && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F })
        #expect(node.verify(id, for: key) && otherNode.verify(id, for: key))
        #expect(!node.verify(id, for: otherKey))
        #expect(!MCPSessionID(instanceKey: SymmetricKey(size: .bits256)).verify(id, for: key))
        #expect(node.issue(for: key) != id)
        var tampered = Array(id.utf8)
        tampered[5] = tampered[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(!node.verify(String(decoding: tampered, as: UTF8.self), for: key))
        for junk in ["", "x", String(repeating: "A", count: 43), id + "A", "!" + id.dropFirst(), String(id.prefix(42))]
        {
            #expect(!node.verify(junk, for: key), "\(junk)")
        }
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = MCPSessionID.base64URL(bytes)
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(encoded == expected)
            #expect(MCPSessionID.decodeBase64URL(encoded) == bytes)
        }
    }
}
