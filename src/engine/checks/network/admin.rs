//! HTTP services: Elasticsearch and OpenSearch (`/`), the Docker Engine API (`/version`), the Kubernetes API server
//! (`/version`, `/api`), the kubelet (`/pods`), etcd (`/version`) and Prometheus (build information). Each is one or
//! two GETs of an endpoint that describes the service, confirmed by the JSON it answers; a 401 or 403 is no finding.

use super::Exposure;
use super::probe::{fetch, fetch_http_or_https, get as get_req};
use super::rules::*;
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpResponse, NetError};
use crate::model::Severity;
use serde_json::Value;

/// The JSON object of a 200 answer.
fn json_ok(resp: &HttpResponse) -> Option<Value> {
    if resp.status != 200 {
        return None;
    }
    serde_json::from_slice::<Value>(&resp.body)
        .ok()
        .filter(Value::is_object)
}

/// A string at a JSON pointer, cut to 60 characters.
fn s(doc: &Value, pointer: &str) -> Option<String> {
    let v = doc.pointer(pointer)?.as_str()?.trim();
    (!v.is_empty()).then(|| v.chars().take(60).collect())
}

fn seen(resp: &HttpResponse, what: &str) -> String {
    format!("GET {} -> {} {what}", resp.url, resp.status)
}

pub(super) async fn elasticsearch(ctx: &CheckCtx, port: u16) -> Result<Option<Exposure>, NetError> {
    let resp = fetch_http_or_https(ctx, port, "/").await?;
    let Some(doc) = json_ok(&resp) else {
        return Ok(None);
    };
    let (Some(cluster), Some(version)) = (s(&doc, "/cluster_name"), s(&doc, "/version/number"))
    else {
        return Ok(None);
    };
    let product = if s(&doc, "/version/distribution").as_deref() == Some("opensearch") {
        "OpenSearch"
    } else if s(&doc, "/tagline").is_some_and(|t| t.contains("You Know, for Search")) {
        "Elasticsearch"
    } else {
        return Ok(None);
    };
    Ok(Some(Exposure::new(
        &ELASTIC_OPEN,
        format!("{product} {version} answers without authentication"),
        seen(
            &resp,
            &format!(
                "to a request without credentials, cluster_name \"{cluster}\", version {version} ({product})"
            ),
        ),
    )))
}

pub(super) async fn docker(
    ctx: &CheckCtx,
    scheme: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let resp = fetch(ctx, &get_req(ctx, scheme, port, "/version")).await?;
    let Some(doc) = json_ok(&resp) else {
        return Ok(None);
    };
    let (Some(api), Some(version)) = (s(&doc, "/ApiVersion"), s(&doc, "/Version")) else {
        return Ok(None);
    };
    let mut facts = format!("Version {version}, ApiVersion {api}");
    for key in ["Os", "Arch", "KernelVersion"] {
        if let Some(v) = s(&doc, &format!("/{key}")) {
            facts += &format!(", {key} {v}");
        }
    }
    Ok(Some(Exposure::new(
        &DOCKER_OPEN,
        format!("The Docker Engine API ({version}) is open to the internet on port {port}"),
        seen(&resp, &format!("without a client certificate, {facts}")),
    )))
}

pub(super) async fn kubernetes(ctx: &CheckCtx, port: u16) -> Result<Option<Exposure>, NetError> {
    let resp = fetch(ctx, &get_req(ctx, "https", port, "/version")).await?;
    let Some(doc) = json_ok(&resp) else {
        return Ok(None);
    };
    let Some(version) = s(&doc, "/gitVersion").filter(|v| v.starts_with('v')) else {
        return Ok(None);
    };
    if s(&doc, "/major").is_none() {
        return Ok(None);
    }
    let mut found = Exposure::new(
        &KUBERNETES_API,
        format!("The Kubernetes API server ({version}) is reachable from the internet"),
        seen(&resp, &format!("gitVersion {version}")),
    );
    // Anonymous discovery is not granted by default since Kubernetes 1.14: answering it means anonymous access was
    // widened. A failure here only means no more was learned.
    if let Ok(api) = fetch(ctx, &get_req(ctx, "https", port, "/api")).await
        && let Some(doc) = json_ok(&api)
        && doc.get("kind").and_then(Value::as_str) == Some("APIVersions")
    {
        found.evidence += &format!("; {}", seen(&api, "APIVersions to an anonymous request"));
        found.title = format!(
            "The Kubernetes API server ({version}) answers anonymous API requests from the internet"
        );
        found.severity = Some(Severity::High);
    }
    Ok(Some(found))
}

/// Pods named in a PodList (`namespace/name`), at most five.
fn pod_names(doc: &Value) -> Vec<String> {
    let items = doc.get("items").and_then(Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(format!(
                "{}/{}",
                s(p, "/metadata/namespace")?,
                s(p, "/metadata/name")?
            ))
        })
        .take(5)
        .collect()
}

/// The kubelet's pod list: `https` on 10250 (the API that also runs commands), `http` on the read-only port.
pub(super) async fn kubelet(
    ctx: &CheckCtx,
    scheme: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let resp = fetch(ctx, &get_req(ctx, scheme, port, "/pods")).await?;
    if resp.status != 200 {
        return Ok(None);
    }
    let what = match json_ok(&resp) {
        Some(doc) if doc.get("kind").and_then(Value::as_str) == Some("PodList") => {
            let count = doc
                .get("items")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            format!("PodList of {count} pods: {}", pod_names(&doc).join(", "))
        }
        // A long pod list is cut at the read cap: its start still says what it is.
        None if resp.truncated
            && resp
                .text()
                .replace(' ', "")
                .starts_with("{\"kind\":\"PodList\"") =>
        {
            "PodList (the first 16 KiB read)".to_string()
        }
        _ => return Ok(None),
    };
    let mut found = Exposure::new(
        &KUBELET_OPEN,
        format!("The kubelet on port {port} lists its pods to anyone"),
        seen(&resp, &format!("to an anonymous request: {what}")),
    );
    if scheme == "http" {
        found.severity = Some(Severity::High);
        found.title = format!("The kubelet's read-only port {port} lists its pods to anyone");
    }
    Ok(Some(found))
}

pub(super) async fn etcd(ctx: &CheckCtx, port: u16) -> Result<Option<Exposure>, NetError> {
    let resp = fetch_http_or_https(ctx, port, "/version").await?;
    let Some(version) = json_ok(&resp).and_then(|d| s(&d, "/etcdserver")) else {
        return Ok(None);
    };
    Ok(Some(Exposure::new(
        &ETCD_OPEN,
        format!("etcd {version} answers from the internet without a client certificate"),
        seen(&resp, &format!("etcdserver {version}")),
    )))
}

pub(super) async fn prometheus(ctx: &CheckCtx, port: u16) -> Result<Option<Exposure>, NetError> {
    let path = "/api/v1/status/buildinfo";
    let resp = fetch(ctx, &get_req(ctx, "http", port, path)).await?;
    let Some(doc) = json_ok(&resp) else {
        return Ok(None);
    };
    let Some(version) =
        s(&doc, "/data/version").filter(|_| s(&doc, "/status").as_deref() == Some("success"))
    else {
        return Ok(None);
    };
    Ok(Some(Exposure::new(
        &PROMETHEUS_OPEN,
        format!("Prometheus {version} is open to the internet"),
        seen(
            &resp,
            &format!("to a request without credentials, version {version}"),
        ),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_lists_name_their_pods() {
        let doc: Value = serde_json::from_str(
            r#"{"kind":"PodList","items":[{"metadata":{"namespace":"kube-system","name":"etcd-node1"}},{"metadata":{}}]}"#,
        )
        .unwrap();
        assert_eq!(pod_names(&doc), vec!["kube-system/etcd-node1"]);
    }

    #[test]
    fn only_a_200_json_object_counts() {
        let ok = HttpResponse::sample(200, r#"{"Version":"24.0.7"}"#);
        assert_eq!(
            s(&json_ok(&ok).unwrap(), "/Version").as_deref(),
            Some("24.0.7")
        );
        assert!(json_ok(&HttpResponse::sample(401, r#"{"Version":"24.0.7"}"#)).is_none());
        assert!(json_ok(&HttpResponse::sample(200, "<html></html>")).is_none());
        assert!(json_ok(&HttpResponse::sample(200, "[1]")).is_none());
    }
}
