//! Tool schemas as clients validate them: schemars writes Rust integer widths as `format` (`uint32`, `int64`...),
//! which JSON Schema does not define and the MCP Inspector warns about once per field; only the standard formats
//! are kept.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::JsonObject;
use serde_json::Value;
use std::sync::Arc;

/// The `format` values JSON Schema 2020-12 defines.
const STANDARD: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Removes the non-standard `format`s from every tool's input and output schema.
pub(super) fn standardise<S>(router: &mut ToolRouter<S>) {
    for route in router.map.values_mut() {
        let tool = &mut route.attr;
        tool.input_schema = Arc::new(cleaned(&tool.input_schema));
        if let Some(out) = &tool.output_schema {
            tool.output_schema = Some(Arc::new(cleaned(out)));
        }
    }
}

fn cleaned(schema: &JsonObject) -> JsonObject {
    let mut value = Value::Object(schema.clone());
    strip(&mut value);
    match value {
        Value::Object(map) => map,
        _ => schema.clone(),
    }
}

/// Walks a schema: a string `format` outside the standard list goes; values that are data, not schemas
/// (`default`, `const`, `enum`, `examples`), are left as they are.
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !STANDARD.contains(&f))
            {
                map.remove("format");
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "default" | "const" | "enum" | "examples") {
                    strip(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_widths_go_standard_formats_and_data_stay() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "wait_seconds": {"type": "integer", "format": "uint32", "minimum": 0},
                "since": {"type": "string", "format": "date-time"},
                "format": {"type": "string", "enum": ["json", "sarif"], "default": "json"},
                "nested": {"anyOf": [{"type": "integer", "format": "int64"}, {"type": "null"}]},
                "example": {"type": "object", "default": {"format": "uint8"}}
            }
        });
        strip(&mut schema);
        let p = &schema["properties"];
        assert_eq!(p["wait_seconds"], json!({"type": "integer", "minimum": 0}));
        assert_eq!(p["since"]["format"], "date-time");
        assert_eq!(p["format"]["default"], "json");
        assert_eq!(p["nested"]["anyOf"][0], json!({"type": "integer"}));
        assert_eq!(p["example"]["default"], json!({"format": "uint8"}));
    }
}
