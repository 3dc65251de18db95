//! Interactive API documentation and GraphQL IDEs: Swagger UI, Redoc, GraphiQL and GraphQL Playground at the paths
//! frameworks mount them on, each confirmed by the markup of the tool itself (a status says nothing on a site whose
//! catch-all page answers 200 for every path). The OpenAPI documents themselves are `disclosure.openapi-exposed`.

use super::PROBE_BODY;
use crate::engine::checks::disclosure::{Failures, is_catch_all, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::{CheckResult, Rule};
use crate::engine::site::NotFound;
use http::header;
use url::Url;

const OWASP_INVENTORY: &str =
    "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/";
const OWASP_GRAPHQL: &str =
    "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html";

api_rule!(
    API_DOCS,
    "api.docs-exposed",
    Info,
    None,
    "Interactive API documentation is public",
    "The site serves interactive API documentation (Swagger UI or Redoc) to anyone. For a public API that is usually intended. For an internal or admin API it lists every endpoint and parameter, and Swagger UI lets a visitor send requests from the page.",
    "If the API is internal, serve the documentation only to signed-in staff or on an internal network, or turn it off in production (springdoc: `springdoc.swagger-ui.enabled=false`; Swashbuckle: call `UseSwaggerUI` only in Development; FastAPI: `docs_url=None, redoc_url=None`; swagger-ui-express: mount it behind authentication). For a public API no change is needed.",
    [OWASP_INVENTORY]
);
api_rule!(
    GRAPHQL_IDE,
    "api.graphql-ide-exposed",
    Low,
    Some(200),
    "A GraphQL IDE (GraphiQL or Playground) is public",
    "The site serves a GraphQL IDE to anyone: a page that runs queries and mutations against the API from the visitor's browser, with the schema browser and autocompletion that introspection feeds. Production sites rarely mean to ship it; it invites exploring the API and is usually left on with a development setting.",
    "Turn the IDE off in production (express-graphql: `graphiql: false`; Apollo Server: `ApolloServerPluginLandingPageDisabled()` or the production landing page; GraphQL Yoga: `graphiql: false`; Hasura: `HASURA_GRAPHQL_ENABLE_CONSOLE=false`; graphql-java/Spring: `spring.graphql.graphiql.enabled=false`), or serve it only to signed-in developers.",
    [OWASP_GRAPHQL]
);

/// Where frameworks mount their documentation pages and IDEs (Swagger UI, Redoc, GraphiQL, Playground).
const PATHS: &[&str] = &[
    "/swagger-ui/",
    "/swagger-ui.html",
    "/swagger/index.html",
    "/api/docs",
    "/docs",
    "/api-docs",
    "/apidocs",
    "/redoc",
    "/graphiql",
    "/playground",
];
/// GraphQL servers show their IDE at the endpoint itself to a browser that asks for HTML.
const GRAPHQL_PATH: &str = "/graphql";

/// Which tool a page is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tool {
    SwaggerUi,
    Redoc,
    GraphiQl,
    Playground,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::SwaggerUi => "Swagger UI",
            Tool::Redoc => "Redoc",
            Tool::GraphiQl => "GraphiQL",
            Tool::Playground => "GraphQL Playground",
        }
    }

    fn rule(self) -> &'static Rule {
        match self {
            Tool::SwaggerUi | Tool::Redoc => &API_DOCS,
            Tool::GraphiQl | Tool::Playground => &GRAPHQL_IDE,
        }
    }

    /// The tool an HTML page is, by the scripts, elements and calls only that tool's page has (a link to
    /// `/swagger-ui/` or the word "GraphQL" in a page is not enough).
    fn of(html: &str) -> Option<Tool> {
        regex!(
            SWAGGER,
            r#"(?i)SwaggerUIBundle|swagger-ui-bundle|swagger-ui(?:\.min)?\.css|id=["']?swagger-ui["'\s>]"#
        );
        regex!(
            REDOC,
            r#"(?i)<redoc[\s>]|redoc\.standalone\.js|Redoc\.init\s*\("#
        );
        regex!(
            GRAPHIQL,
            r#"(?i)graphiql(?:\.min)?\.(?:js|css)|GraphiQL\.createFetcher|createElement\(\s*GraphiQL\b|id=["']?graphiql["'\s>]"#
        );
        regex!(
            PLAYGROUND,
            r#"(?i)GraphQLPlayground\.init\s*\(|graphql-playground-react|<title>\s*GraphQL Playground"#
        );
        [
            (&SWAGGER, Tool::SwaggerUi),
            (&REDOC, Tool::Redoc),
            (&GRAPHIQL, Tool::GraphiQl),
            (&PLAYGROUND, Tool::Playground),
        ]
        .into_iter()
        .find(|(re, _)| re.is_match(html))
        .map(|(_, tool)| tool)
    }
}

/// The API description a documentation page loads, when its markup names one.
fn spec_url(html: &str) -> Option<String> {
    regex!(
        SPEC,
        r#"(?i)(?:\burl|spec-url|specUrl|configUrl)\s*[:=]\s*["']([^"'\s<>]{1,200})["']"#
    );
    SPEC.captures(html).map(|c| c[1].to_string())
}

/// A documentation page or IDE found, and what showed it.
struct Hit {
    tool: Tool,
    url: Url,
    evidence: String,
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let urls: Vec<Url> = PATHS.iter().map(|p| ctx.site_url(&origin, p)).collect();
    let graphql = ctx.site_url(&origin, GRAPHQL_PATH);
    let (pages, ide) = tokio::join!(
        futures::future::join_all(urls.iter().map(|u| docs_page(ctx, u))),
        ctx.fetch_same_host(
            HttpRequest::get(graphql.clone(), PROBE_BODY).header(header::ACCEPT, "text/html")
        ),
    );
    let mut failures = Failures::new("documentation pages");
    let mut hits: Vec<Hit> = Vec::new();
    let answers = pages.into_iter().chain([ide.map(|f| f.resp)]);
    for (url, answer) in urls.iter().chain([&graphql]).zip(answers) {
        if let Some(resp) = failures.count(answer)?
            && let Some(hit) = verify(&nf, url, &resp)
        {
            hits.push(hit);
        }
    }
    for tool in [
        Tool::SwaggerUi,
        Tool::Redoc,
        Tool::GraphiQl,
        Tool::Playground,
    ] {
        let at: Vec<&Hit> = hits.iter().filter(|h| h.tool == tool).collect();
        if let Some(first) = at.first() {
            let evidence: Vec<&str> = at.iter().map(|h| h.evidence.as_str()).collect();
            let draft = ctx
                .finding(tool.rule(), url_location(&first.url))
                .title(format!("{} is public at {}", tool.name(), first.url.path()))
                .evidence(evidence.join("\n"));
            ctx.report(draft).await;
        }
    }
    failures.result()
}

/// A documentation path's answer, shared with the rest of the scan (the crawl may have fetched it already).
async fn docs_page(ctx: &CheckCtx, url: &Url) -> Result<HttpResponse, NetError> {
    ctx.page(url).await.map(|page| page.resp().clone())
}

/// The tool `resp` (to a request for `url`, redirects within the site followed) serves, if it is one.
fn verify(nf: &NotFound, url: &Url, resp: &HttpResponse) -> Option<Hit> {
    if resp.status != 200 || !resp.is_html() || is_catch_all(nf, resp, url.path()) {
        return None;
    }
    let text = resp.text();
    let tool = Tool::of(&text)?;
    let mut evidence = format!(
        "GET {} -> 200 {}: {}",
        resp.url,
        resp.content_type(),
        tool.name()
    );
    if let Some(spec) = spec_url(&text).filter(|_| matches!(tool, Tool::SwaggerUi | Tool::Redoc)) {
        evidence.push_str(&format!(", loading {spec}"));
    }
    Some(Hit {
        tool,
        url: resp.url.clone(),
        evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_known_by_their_own_markup() {
        let swagger = r#"<div id="swagger-ui"></div><script src="./swagger-ui-bundle.js"></script>
            <script>window.ui = SwaggerUIBundle({ url: "/v3/api-docs", dom_id: '#swagger-ui' })</script>"#;
        assert_eq!(Tool::of(swagger), Some(Tool::SwaggerUi));
        assert_eq!(spec_url(swagger).as_deref(), Some("/v3/api-docs"));
        let redoc = r#"<redoc spec-url="/openapi.json"></redoc><script src="redoc.standalone.js"></script>"#;
        assert_eq!(Tool::of(redoc), Some(Tool::Redoc));
        assert_eq!(spec_url(redoc).as_deref(), Some("/openapi.json"));
        let graphiql = r#"<div id="graphiql">Loading...</div><script src="https://unpkg.com/graphiql/graphiql.min.js"></script>"#;
        assert_eq!(Tool::of(graphiql), Some(Tool::GraphiQl));
        let playground =
            r#"<title>GraphQL Playground</title><script>GraphQLPlayground.init(root, {})</script>"#;
        assert_eq!(Tool::of(playground), Some(Tool::Playground));
    }

    #[test]
    fn pages_that_only_mention_the_tools_are_not_them() {
        for page in [
            r#"<a href="/swagger-ui/">API documentation</a>"#,
            "<p>Our GraphQL API is documented with GraphiQL and Redoc.</p>",
            r#"<div id="root"></div><script src="/static/app.js"></script>"#,
        ] {
            assert_eq!(Tool::of(page), None, "{page}");
        }
    }
}
