//! GraphQL introspection: finds GraphQL endpoints (common paths, and same-origin endpoints named in crawled pages
//! and scripts), confirms each with `{__typename}`, then asks for the names of the schema's types. Queries go as GET
//! `?query=`; as a JSON POST only where the GET was refused. Both are read-only queries: never a mutation.

use super::PROBE_BODY;
use crate::engine::checks::disclosure::{Failures, is_catch_all, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::CheckResult;
use crate::engine::site::{Crawl, NotFound, crawlable, same_origin};
use serde_json::Value;
use url::Url;

const OWASP_GRAPHQL: &str =
    "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html";
const APOLLO_INTROSPECTION: &str =
    "https://www.apollographql.com/docs/apollo-server/api/apollo-server#introspection";

api_rule!(
    INTROSPECTION,
    "api.graphql-introspection",
    Medium,
    Some(200),
    "GraphQL introspection is enabled",
    "The GraphQL endpoint answers introspection queries from anyone, handing out its whole schema: every type, field, argument and mutation, including those the site's own pages never use (admin operations, internal fields). It is the map an attacker needs to look for fields that lack authorization checks.",
    "Turn introspection off in production, and keep authorization checks on every field (hiding the schema is not access control). Apollo Server: `new ApolloServer({ introspection: false })` (the default when NODE_ENV=production). graphql-js servers (express-graphql, GraphQL Yoga, Envelop, Mercurius): add the `NoSchemaIntrospectionCustomRule` validation rule (Yoga: the disable-introspection plugin). Spring for GraphQL: `spring.graphql.schema.introspection.enabled=false`; plain graphql-java: `Introspection.enabledJvmWide(false)`. Hasura: disable schema introspection for the anonymous and user roles in the API security settings. Python (Strawberry, Graphene, Ariadne): add graphql-core's `NoSchemaIntrospectionCustomRule`.",
    [OWASP_GRAPHQL, APOLLO_INTROSPECTION]
);

/// Where GraphQL servers usually answer.
const PATHS: &[&str] = &[
    "/graphql",
    "/api/graphql",
    "/v1/graphql",
    "/query",
    "/graphql/v1",
];
/// Endpoints named in crawled pages and scripts tried beyond [`PATHS`].
const MAX_DISCOVERED: usize = 2;
/// Proves an endpoint speaks GraphQL; any schema answers it, introspection on or off.
const TYPENAME: &str = "{__typename}";
/// The smallest introspection query that shows what a schema holds: the names of its types.
const INTROSPECT: &str = "{__schema{queryType{name} types{name}}}";
/// Type names every schema has; what is left is the site's own.
const BUILT_IN: &[&str] = &["String", "Int", "Float", "Boolean", "ID"];

/// How an endpoint takes queries.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Via {
    Get,
    Post,
}

/// A request carrying a GraphQL `query`.
fn query(url: &Url, via: Via, query: &str) -> HttpRequest {
    match via {
        Via::Get => {
            let mut url = url.clone();
            url.query_pairs_mut().append_pair("query", query);
            HttpRequest::get(url, PROBE_BODY)
        }
        Via::Post => {
            let body = serde_json::json!({ "query": query }).to_string();
            HttpRequest::post_json(url.clone(), PROBE_BODY, body)
        }
    }
}

/// How a request is shown in evidence, with the query readable rather than percent-encoded.
fn shown(url: &Url, via: Via, q: &str) -> String {
    let base = url_location(url);
    match via {
        Via::Get => format!("GET {base}?query={q}"),
        Via::Post => format!("POST {base} {}", serde_json::json!({ "query": q })),
    }
}

fn json(resp: &HttpResponse) -> Option<Value> {
    serde_json::from_slice(&resp.body).ok()
}

/// True if the answer is GraphQL's to `{__typename}`.
fn answers_typename(resp: &HttpResponse) -> bool {
    json(resp).is_some_and(|v| v["data"]["__typename"].is_string())
}

/// True if a GET was turned down in a way a POST may not be: the method refused (405), a GraphQL-style error
/// (400, 406 or 415 in JSON, or naming GraphQL), or an IDE page served for GET. The site's not-found answer is no
/// refusal, and neither is any other answer: a POST is sent only where a GraphQL server is likely.
fn refused(resp: &HttpResponse, nf: &NotFound, path: &str) -> bool {
    let names_graphql = || resp.text().to_ascii_lowercase().contains("graphql");
    let likely = match resp.status {
        405 => true,
        400 | 406 | 415 => json(resp).is_some() || names_graphql(),
        200 => resp.is_html() && names_graphql(),
        _ => false,
    };
    likely && !is_catch_all(nf, resp, path)
}

/// The type names of an introspection answer, `None` when introspection was refused.
#[derive(Debug, Clone, PartialEq)]
struct Schema {
    query_type: Option<String>,
    types: Vec<String>,
}

fn schema(resp: &HttpResponse) -> Option<Schema> {
    let v = json(resp)?;
    let s = &v["data"]["__schema"];
    let types: Vec<String> = s["types"]
        .as_array()?
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect();
    (!types.is_empty()).then(|| Schema {
        query_type: s["queryType"]["name"].as_str().map(str::to_string),
        types,
    })
}

impl Schema {
    /// `14 types, query type Query; the site's own: User, Order, ... (+6 more)`.
    fn summary(&self) -> String {
        let own: Vec<&str> = self
            .types
            .iter()
            .map(String::as_str)
            .filter(|t| !t.starts_with("__") && !BUILT_IN.contains(t))
            .collect();
        let mut text = format!("{} types", self.types.len());
        if let Some(q) = &self.query_type {
            text.push_str(&format!(", query type {q}"));
        }
        if !own.is_empty() {
            text.push_str(&format!(
                "; the site's own: {}",
                own[..own.len().min(8)].join(", ")
            ));
            if own.len() > 8 {
                text.push_str(&format!(" (+{} more)", own.len() - 8));
            }
        }
        text
    }
}

/// Same-origin GraphQL endpoints named in the crawled pages and scripts, beyond `known`.
async fn discovered(crawl: &Crawl, origin: &Url, known: &[Url]) -> Vec<Url> {
    regex!(
        NAMED,
        r#"(?i)["'`]((?:https?:)?/[^"'`\s<>]*?graphql[^"'`\s<>]*)["'`]"#
    );
    let mut found: Vec<Url> = Vec::new();
    let mut pace = crate::engine::pace::Pace::new();
    for page in crawl.pages.iter().chain(&crawl.scripts) {
        pace.tick().await;
        let text = page.resp().text();
        for m in NAMED.captures_iter(&text) {
            let Ok(mut url) = page.url().join(&m[1]) else {
                continue;
            };
            url.set_query(None);
            url.set_fragment(None);
            let fresh = !known.contains(&url) && !found.contains(&url);
            if fresh && same_origin(&url, origin) && crawlable(&url) {
                found.push(url);
            }
            if found.len() >= MAX_DISCOVERED {
                return found;
            }
        }
    }
    found
}

/// A confirmed GraphQL endpoint and how it takes queries.
struct Endpoint<'a> {
    url: &'a Url,
    via: Via,
}

/// A schema that answered introspection, and where (with the status of each answer).
struct Open<'a> {
    schema: Schema,
    at: Vec<(&'a Endpoint<'a>, u16)>,
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let mut urls: Vec<Url> = PATHS.iter().map(|p| ctx.site_url(&origin, p)).collect();
    let crawl = ctx.crawl().await?;
    urls.extend(discovered(&crawl, &origin, &urls).await);
    let mut failures = Failures::new("GraphQL requests");
    let confirmed = futures::future::join_all(urls.iter().map(|u| confirm(ctx, &nf, u))).await;
    let mut live = Vec::new();
    for (url, result) in urls.iter().zip(confirmed) {
        if let Some(Some(via)) = failures.count(result)? {
            live.push(Endpoint { url, via });
        }
    }
    let requests: Vec<HttpRequest> = live
        .iter()
        .map(|e| query(e.url, e.via, INTROSPECT))
        .collect();
    let answers = futures::future::join_all(requests.iter().map(|r| ctx.request(r))).await;
    // One finding per schema: a server mounted at several paths is one problem.
    let mut open: Vec<Open> = Vec::new();
    for (endpoint, answer) in live.iter().zip(answers) {
        let Some(resp) = failures.count(answer)? else {
            continue;
        };
        let Some(schema) = schema(&resp) else {
            continue;
        };
        match open.iter_mut().find(|o| o.schema == schema) {
            Some(o) => o.at.push((endpoint, resp.status)),
            None => open.push(Open {
                schema,
                at: vec![(endpoint, resp.status)],
            }),
        }
    }
    for o in &open {
        report(ctx, o).await;
    }
    failures.result()
}

/// How `url` takes GraphQL queries, if it is a GraphQL endpoint: a GET first, a POST only if the GET was refused.
async fn confirm(ctx: &CheckCtx, nf: &NotFound, url: &Url) -> Result<Option<Via>, NetError> {
    let get = ctx.request(&query(url, Via::Get, TYPENAME)).await?;
    if answers_typename(&get) {
        return Ok(Some(Via::Get));
    }
    if !refused(&get, nf, url.path()) {
        return Ok(None);
    }
    let post = ctx.request(&query(url, Via::Post, TYPENAME)).await?;
    Ok(answers_typename(&post).then_some(Via::Post))
}

async fn report(ctx: &CheckCtx, open: &Open<'_>) {
    let (first, status) = open.at[0];
    let mut evidence = format!(
        "{} -> {status}: {}",
        shown(first.url, first.via, INTROSPECT),
        open.schema.summary()
    );
    if open.at.len() > 1 {
        let others: Vec<&str> = open.at[1..].iter().map(|(e, _)| e.url.path()).collect();
        evidence.push_str(&format!(
            "; the same schema answers at {}",
            others.join(", ")
        ));
    }
    let draft = ctx
        .finding(&INTROSPECTION, url_location(first.url))
        .title(format!(
            "GraphQL introspection is enabled at {}",
            first.url.path()
        ))
        .evidence(evidence);
    ctx.report(draft).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::sample(status, body.to_string())
    }

    #[test]
    fn graphql_answers_are_told_from_other_json() {
        assert!(answers_typename(&resp(
            200,
            r#"{"data":{"__typename":"Query"}}"#
        )));
        assert!(!answers_typename(&resp(
            200,
            r#"{"data":null,"errors":[{"message":"x"}]}"#
        )));
        assert!(!answers_typename(&resp(200, r#"{"__typename":"Query"}"#)));
        assert!(!answers_typename(&resp(200, "<html>graphql</html>")));
    }

    #[test]
    fn only_graphql_like_refusals_lead_to_a_post() {
        let nf = NotFound::of(&resp(404, "<h1>Not found</h1>"), "/palisade-x".into());
        let refusals = [
            resp(405, ""),
            resp(
                400,
                r#"{"errors":[{"message":"This operation has been blocked (CSRF)"}]}"#,
            ),
            resp(415, "GraphQL requests must be POST"),
        ];
        for r in &refusals {
            assert!(refused(r, &nf, "/graphql"), "{r:?}");
        }
        for r in [
            resp(404, "<h1>Not found</h1>"),
            resp(400, "Bad Request"),
            resp(401, "{}"),
            resp(200, "{}"),
        ] {
            assert!(!refused(&r, &nf, "/graphql"), "{r:?}");
        }
    }

    #[test]
    fn introspection_answers_are_summarised_and_refusals_are_not_schemas() {
        let body = r#"{"data":{"__schema":{"queryType":{"name":"Query"},"types":[
            {"name":"Query"},{"name":"User"},{"name":"String"},{"name":"__Schema"},{"name":"Order"}]}}}"#;
        let s = schema(&resp(200, body)).unwrap();
        assert_eq!(
            s.summary(),
            "5 types, query type Query; the site's own: Query, User, Order"
        );
        let refused = r#"{"errors":[{"message":"GraphQL introspection is not allowed"}]}"#;
        assert_eq!(schema(&resp(400, refused)), None);
        assert_eq!(
            schema(&resp(200, r#"{"data":{"__schema":{"types":[]}}}"#)),
            None
        );
    }

    #[test]
    fn queries_go_in_the_url_or_a_json_body() {
        let url = Url::parse("https://s.test/graphql").unwrap();
        let get = query(&url, Via::Get, TYPENAME);
        assert_eq!(
            get.url.as_str(),
            "https://s.test/graphql?query=%7B__typename%7D"
        );
        assert!(get.body.is_none());
        let post = query(&url, Via::Post, TYPENAME);
        assert_eq!(post.method, http::Method::POST);
        assert_eq!(
            post.body.as_deref(),
            Some(&br#"{"query":"{__typename}"}"#[..])
        );
        assert_eq!(
            shown(&url, Via::Get, INTROSPECT),
            "GET https://s.test/graphql?query={__schema{queryType{name} types{name}}}"
        );
    }
}
