//! Storage buckets the site's pages, scripts and stylesheets name: one GET of each bucket's listing URL (at most
//! [`MAX_BUCKETS`]) says whether anyone can list its content, or whether the bucket does not exist at all (so anyone
//! could create it and serve content to the site).

use super::bucket_refs::{self, Bucket, Store};
use crate::engine::context::CheckCtx;
use crate::engine::net::HttpRequest;
use crate::engine::registry::{CheckFail, CheckResult, Rule};
use crate::model::{Category, Severity};
use std::sync::LazyLock;

/// Buckets asked at most per host.
pub const MAX_BUCKETS: usize = 10;
/// Bytes of a listing read.
const LISTING_BODY: usize = 128 * 1024;
/// Keys named in the evidence.
const SHOWN: usize = 5;

const AWS_BLOCK: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html";
const GCS_PUBLIC: &str = "https://cloud.google.com/storage/docs/public-access-prevention";
const AZURE_ANON: &str =
    "https://learn.microsoft.com/en-us/azure/storage/blobs/anonymous-read-access-prevent";

pub static LISTING: Rule = Rule {
    id: "cloud.bucket-listing",
    category: Category::Cloud,
    severity: Severity::High,
    title: "Storage bucket content can be listed by anyone",
    description: "A storage bucket the site loads from answers an anonymous listing request with the names of its \
                  objects. Anyone can enumerate and download everything in it: backups, exports, uploads and files \
                  never meant to be linked.",
    remediation: "Turn off public listing: on S3 enable Block Public Access and remove `s3:ListBucket` for \
                  `Principal: \"*\"` from the bucket policy (serve public files through CloudFront with origin \
                  access control); on GCS remove `allUsers` from `roles/storage.objectViewer` at bucket level and \
                  grant read on objects only; on Azure set the container's access level to `Blob` (or private), \
                  not `Container`. Then move anything sensitive out of the bucket.",
    references: &[AWS_BLOCK, GCS_PUBLIC, AZURE_ANON],
    cwe: Some(548),
};

pub static MISSING: Rule = Rule {
    id: "cloud.bucket-missing",
    category: Category::Cloud,
    severity: Severity::High,
    title: "The site loads from a storage bucket that does not exist",
    description: "A page or script of the site references a storage bucket that does not exist. Bucket names are \
                  global and first come, first served: anyone can create a bucket with this name and the site will \
                  load whatever they put in it (scripts that run in the site's pages, images, downloads).",
    remediation: "Create the bucket in your own account now to hold the name (and keep it private), or remove every \
                  reference to it from the site's pages and scripts.",
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        "https://developer.mozilla.org/en-US/docs/Web/Security/Subdomain_takeovers",
    ],
    cwe: Some(829),
};

/// Object names in an S3 or GCS listing.
static KEY: LazyLock<regex::Regex> =
    LazyLock::new(|| crate::engine::pattern::compile(r"<Key>([^<]{1,300})</Key>"));
/// Blob names in an Azure listing (after `<Blobs>`).
static BLOB: LazyLock<regex::Regex> =
    LazyLock::new(|| crate::engine::pattern::compile(r"<Name>([^<]{1,300})</Name>"));

/// What a listing URL answered.
#[derive(Debug, PartialEq)]
enum Listing {
    /// A listing: object names (the first of them), and whether there are more than shown.
    Open(Vec<String>, bool),
    /// The bucket does not exist.
    NoSuchBucket,
    /// Anything else: access denied, a redirect, an error page.
    Closed,
}

fn read(store: Store, status: u16, body: &str) -> Listing {
    if body.contains("<Code>NoSuchBucket</Code>") && store != Store::Azure {
        return Listing::NoSuchBucket;
    }
    let (start, items, names) = match store {
        Store::Azure => (
            "<EnumerationResults",
            body.split_once("<Blobs>").map(|(_, r)| r).unwrap_or(""),
            &*BLOB,
        ),
        _ => ("<ListBucketResult", body, &*KEY),
    };
    if status != 200 || !body.contains(start) {
        return Listing::Closed;
    }
    let keys: Vec<String> = names
        .captures_iter(items)
        .map(|c| c[1].to_string())
        .collect();
    let more = body.contains("<IsTruncated>true</IsTruncated>")
        || body.contains("<NextMarker>") && !body.contains("<NextMarker />");
    Listing::Open(keys, more)
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let crawl = ctx.crawl().await?;
    let mut buckets: Vec<(Bucket, String)> = Vec::new();
    let pages = crawl
        .pages
        .iter()
        .chain(&crawl.scripts)
        .chain(&crawl.stylesheets);
    let mut pace = crate::engine::pace::Pace::new();
    for page in pages {
        pace.tick().await;
        for bucket in bucket_refs::find(&page.resp().text()) {
            if buckets.len() < MAX_BUCKETS && !buckets.iter().any(|(b, _)| *b == bucket) {
                buckets.push((bucket, page.url().to_string()));
            }
        }
    }
    let results = futures::future::join_all(buckets.iter().map(|(b, _)| probe(ctx, b))).await;
    let mut failed = Vec::new();
    for ((bucket, page), result) in buckets.iter().zip(results) {
        match result {
            Ok((status, listing)) => report(ctx, bucket, page, status, listing).await,
            Err(CheckFail::Skipped(why)) => return Err(CheckFail::Skipped(why)),
            Err(CheckFail::Errored(why)) => failed.push(why),
        }
    }
    match failed.first() {
        Some(first) => Err(CheckFail::Errored(format!(
            "{} of {} bucket listings could not be fetched: {first}",
            failed.len(),
            buckets.len()
        ))),
        None => Ok(()),
    }
}

async fn probe(ctx: &CheckCtx, bucket: &Bucket) -> Result<(u16, Listing), CheckFail> {
    let url = url::Url::parse(&bucket.listing)
        .map_err(|e| CheckFail::Errored(format!("bad listing URL {}: {e}", bucket.listing)))?;
    let resp = ctx.request(&HttpRequest::get(url, LISTING_BODY)).await?;
    Ok((resp.status, read(bucket.store, resp.status, &resp.text())))
}

async fn report(ctx: &CheckCtx, bucket: &Bucket, page: &str, status: u16, listing: Listing) {
    let url = &bucket.listing;
    let kind = bucket.store.name();
    let draft = match listing {
        Listing::Closed => return,
        Listing::NoSuchBucket => ctx
            .finding(&MISSING, url)
            .title(format!(
                "The site loads from a {kind} that does not exist: {}",
                bucket.name
            ))
            .evidence(format!(
                "GET {url} → {status} NoSuchBucket; the bucket is named in {page}"
            )),
        Listing::Open(keys, more) => {
            let count = if more {
                format!("{} objects and more", keys.len())
            } else {
                format!("{} objects", keys.len())
            };
            let shown: Vec<&str> = keys.iter().take(SHOWN).map(String::as_str).collect();
            let draft = ctx
                .finding(&LISTING, url)
                .title(format!("{kind} {} can be listed by anyone", bucket.name))
                .evidence(format!(
                    "GET {url} → {status}, a listing of {count}: {}; the bucket is named in {page}",
                    shown.join(", ")
                ));
            if keys.is_empty() && !more {
                draft.severity(Severity::Low).title(format!(
                    "{kind} {} can be listed by anyone (empty now)",
                    bucket.name
                ))
            } else {
                draft
            }
        }
    };
    ctx.report(draft).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_are_read_by_service() {
        let s3 = "<?xml version=\"1.0\"?><ListBucketResult><Name>acme</Name><IsTruncated>true</IsTruncated>\
                  <Contents><Key>backup.sql</Key></Contents><Contents><Key>a.js</Key></Contents></ListBucketResult>";
        assert_eq!(
            read(Store::S3, 200, s3),
            Listing::Open(vec!["backup.sql".into(), "a.js".into()], true)
        );
        let azure = "<EnumerationResults ContainerName=\"x\"><Blobs><Blob><Name>c.css</Name></Blob></Blobs>\
                     <NextMarker /></EnumerationResults>";
        assert_eq!(
            read(Store::Azure, 200, azure),
            Listing::Open(vec!["c.css".into()], false)
        );
        let denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
        assert_eq!(read(Store::S3, 403, denied), Listing::Closed);
        let gone = "<Error><Code>NoSuchBucket</Code><BucketName>gone</BucketName></Error>";
        assert_eq!(read(Store::Gcs, 404, gone), Listing::NoSuchBucket);
    }
}
