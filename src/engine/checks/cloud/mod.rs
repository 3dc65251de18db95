//! `cloud` checks: CDN and WAF identification and public listing of storage buckets the site's pages name.

mod bucket_refs;
mod buckets;
mod edge;

use crate::engine::registry::Check;
use crate::model::{Module, Profile};

/// The checks of this module.
pub static CHECKS: &[Check] = &[
    Check {
        id: "cloud.edge",
        module: Module::Cloud,
        profile: Profile::Quick,
        summary: "the CDN, WAF or load balancer in front of the site, from the start page's headers and cookies",
        rules: &[&edge::EDGE],
        run: |ctx| Box::pin(edge::run(ctx)),
    },
    Check {
        id: "cloud.buckets",
        module: Module::Cloud,
        profile: Profile::Standard,
        summary: "S3, GCS and Azure Blob buckets named in crawled pages and scripts: public listing, or no such bucket",
        rules: &[&buckets::LISTING, &buckets::MISSING],
        run: |ctx| Box::pin(buckets::run(ctx)),
    },
];
