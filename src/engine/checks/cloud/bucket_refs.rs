//! Storage bucket references in page and script text: Amazon S3 (virtual-hosted and path-style endpoints), Google
//! Cloud Storage and Azure Blob containers, each with the URL that lists its content.

use std::sync::LazyLock;

/// A host of a storage service, the scheme written before it (if any), and the first path segment after it.
static REFERENCE: LazyLock<regex::Regex> = LazyLock::new(|| {
    crate::engine::pattern::compile(
        r"(?i)(?:(https?):)?(?:\\?/\\?/)?([a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com|googleapis\.com|blob\.core\.windows\.net))(?:\\?/([a-z0-9$][a-z0-9._-]*))?",
    )
});

/// Which service a bucket lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Store {
    S3,
    Gcs,
    Azure,
}

impl Store {
    pub fn name(self) -> &'static str {
        match self {
            Store::S3 => "Amazon S3 bucket",
            Store::Gcs => "Google Cloud Storage bucket",
            Store::Azure => "Azure Blob container",
        }
    }
}

/// One bucket the site names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bucket {
    pub store: Store,
    /// The bucket (S3, GCS) or `account/container` (Azure).
    pub name: String,
    /// The URL that lists the bucket's content.
    pub listing: String,
}

/// The buckets named in `text`, in order of appearance, each once.
pub fn find(text: &str) -> Vec<Bucket> {
    let mut found: Vec<Bucket> = Vec::new();
    // A set beside the list: a script may name thousands of buckets.
    let mut seen: std::collections::HashSet<Bucket> = std::collections::HashSet::new();
    for cap in REFERENCE.captures_iter(text) {
        let scheme = cap
            .get(1)
            .map(|m| m.as_str().to_ascii_lowercase())
            .unwrap_or_else(|| "https".into());
        let host = cap[2].to_ascii_lowercase();
        let segment = cap.get(3).map(|m| m.as_str().to_ascii_lowercase());
        if let Some(bucket) = classify(&scheme, &host, segment.as_deref())
            && seen.insert(bucket.clone())
        {
            found.push(bucket);
        }
    }
    found
}

/// The bucket a host and first path segment name, if they name one that can be listed.
fn classify(scheme: &str, host: &str, segment: Option<&str>) -> Option<Bucket> {
    if let Some(rest) = host.strip_suffix(".amazonaws.com") {
        return s3(scheme, host, rest, segment);
    }
    if let Some(rest) = host.strip_suffix(".blob.core.windows.net") {
        let container = segment.filter(|c| azure_container(c))?;
        if rest.contains('.') || !(3..=24).contains(&rest.len()) {
            return None;
        }
        return Some(Bucket {
            store: Store::Azure,
            name: format!("{rest}/{container}"),
            listing: format!(
                "{scheme}://{host}/{container}?restype=container&comp=list&maxresults=20"
            ),
        });
    }
    let (name, listing) = match host {
        "storage.googleapis.com" | "commondatastorage.googleapis.com" => {
            let bucket = segment.filter(|b| bucket_name(b))?;
            (
                bucket.to_string(),
                format!("{scheme}://{host}/{bucket}?max-keys=20"),
            )
        }
        _ => {
            let bucket = host
                .strip_suffix(".storage.googleapis.com")
                .filter(|b| bucket_name(b))?;
            (
                bucket.to_string(),
                format!("{scheme}://{host}/?max-keys=20"),
            )
        }
    };
    Some(Bucket {
        store: Store::Gcs,
        name,
        listing,
    })
}

/// S3: `bucket.s3[.-region].amazonaws.com` or `s3[.-region].amazonaws.com/bucket`. Website, access point and
/// other special endpoints cannot list a bucket and are left out.
fn s3(scheme: &str, host: &str, rest: &str, segment: Option<&str>) -> Option<Bucket> {
    let labels: Vec<&str> = rest.split('.').collect();
    let at = labels
        .iter()
        .position(|l| *l == "s3" || l.starts_with("s3-"))?;
    if labels[at].starts_with("s3-website")
        || [
            "s3-accesspoint",
            "s3-control",
            "s3-object-lambda",
            "s3-outposts",
        ]
        .iter()
        .any(|p| labels[at].starts_with(p))
        || labels.get(at + 1) == Some(&"s3-website")
    {
        return None;
    }
    let (name, listing) = if at == 0 {
        let bucket = segment.filter(|b| bucket_name(b) && !b.contains('_'))?;
        (
            bucket.to_string(),
            format!("{scheme}://{host}/{bucket}/?max-keys=20"),
        )
    } else {
        let bucket = labels[..at].join(".");
        if !bucket_name(&bucket) {
            return None;
        }
        (bucket, format!("{scheme}://{host}/?max-keys=20"))
    };
    Some(Bucket {
        store: Store::S3,
        name,
        listing,
    })
}

/// A valid bucket name: 3 to 63 lower-case letters, digits, dots, hyphens (and underscores, for GCS), starting and
/// ending with a letter or digit.
fn bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(c))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// A valid Azure container name (or one of the special `$root` and `$web`).
fn azure_container(name: &str) -> bool {
    name == "$root"
        || name == "$web"
        || ((3..=63).contains(&name.len())
            && name
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && !name.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listings(text: &str) -> Vec<String> {
        find(text).into_iter().map(|b| b.listing).collect()
    }

    #[test]
    fn s3_references_in_every_endpoint_style() {
        let text = r#"<img src="https://media.acme.s3.amazonaws.com/logo.png">
            <script src="//cdn-acme.s3.eu-west-1.amazonaws.com/app.js"></script>
            fetch("http://s3.amazonaws.com/acme-exports/2024.csv")
            "https:\/\/s3.us-east-2.amazonaws.com\/acme-logs\/x""#;
        assert_eq!(
            listings(text),
            vec![
                "https://media.acme.s3.amazonaws.com/?max-keys=20",
                "https://cdn-acme.s3.eu-west-1.amazonaws.com/?max-keys=20",
                "http://s3.amazonaws.com/acme-exports/?max-keys=20",
                "https://s3.us-east-2.amazonaws.com/acme-logs/?max-keys=20",
            ]
        );
    }

    #[test]
    fn gcs_and_azure_references() {
        let text = "https://storage.googleapis.com/acme-public/a.png https://acme-img.storage.googleapis.com/b.png \
                    https://acmestore.blob.core.windows.net/assets/c.css";
        let found = find(text);
        assert_eq!(
            found.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            vec!["acme-public", "acme-img", "acmestore/assets"]
        );
        assert_eq!(
            found[2].listing,
            "https://acmestore.blob.core.windows.net/assets?restype=container&comp=list&maxresults=20"
        );
    }

    #[test]
    fn endpoints_that_name_no_listable_bucket_are_ignored() {
        let text = "https://site.s3-website-us-east-1.amazonaws.com/ https://abc.execute-api.us-east-1.amazonaws.com/ \
                    https://s3.amazonaws.com/ https://www.googleapis.com/auth/userinfo.email \
                    https://acme.blob.core.windows.net/ https://fonts.googleapis.com/css";
        assert!(find(text).is_empty(), "{:?}", find(text));
    }

    #[test]
    fn a_bucket_named_twice_is_listed_once() {
        let text = "https://bk1.s3.amazonaws.com/x.js https://bk1.s3.amazonaws.com/y.js";
        assert_eq!(find(text).len(), 1);
    }
}
