//! Hosting providers where a CNAME can point at a resource nobody holds any more: the host name suffixes that say a
//! name is theirs, whether a name of theirs that does not exist can be registered by anyone, and the text of the page
//! they serve for a host name no customer claims.

/// One provider.
#[derive(Debug)]
pub struct Provider {
    pub name: &'static str,
    /// The provider's host names.
    pub names: Names,
    /// True when a missing name of the provider (NXDOMAIN) is one anyone can create (an app, site or account name
    /// chosen by its owner).
    pub claimable_when_missing: bool,
    /// Texts of the page the provider serves for a host name no customer claims.
    pub unclaimed: &'static [&'static str],
}

/// How a provider's host names look.
#[derive(Debug)]
pub enum Names {
    /// Suffixes (lower-case, leading dot) or exact names.
    Suffixes(&'static [&'static str]),
    /// Amazon S3's endpoints (see [`is_s3_host`]).
    S3,
}

impl Provider {
    /// True if `host` (lower-case, no trailing dot) is one of the provider's names.
    pub fn owns(&self, host: &str) -> bool {
        match self.names {
            Names::S3 => is_s3_host(host),
            Names::Suffixes(suffixes) => suffixes.iter().any(|s| match s.strip_prefix('.') {
                Some(_) => host.ends_with(s),
                None => host == *s,
            }),
        }
    }
}

/// S3 endpoints: `bucket.s3.amazonaws.com`, `bucket.s3.<region>.amazonaws.com`, `bucket.s3-<region>.amazonaws.com`
/// and the website endpoints `bucket.s3-website-<region>.amazonaws.com`, `bucket.s3-website.<region>...`.
fn is_s3_host(host: &str) -> bool {
    let Some(rest) = host.strip_suffix(".amazonaws.com") else {
        return false;
    };
    rest.split('.')
        .any(|label| label == "s3" || label.starts_with("s3-"))
}

/// The providers, by the host names their customers point CNAMEs at.
pub static PROVIDERS: &[Provider] = &[
    Provider {
        name: "Amazon S3",
        names: Names::S3,
        claimable_when_missing: false,
        unclaimed: &["NoSuchBucket", "The specified bucket does not exist"],
    },
    Provider {
        name: "Google Cloud Storage",
        names: Names::Suffixes(&["c.storage.googleapis.com", ".storage.googleapis.com"]),
        claimable_when_missing: false,
        unclaimed: &["NoSuchBucket", "The specified bucket does not exist"],
    },
    Provider {
        name: "GitHub Pages",
        names: Names::Suffixes(&[".github.io"]),
        claimable_when_missing: false,
        unclaimed: &["There isn't a GitHub Pages site here."],
    },
    Provider {
        name: "Heroku",
        names: Names::Suffixes(&[".herokuapp.com", ".herokudns.com", ".herokussl.com"]),
        claimable_when_missing: false,
        unclaimed: &[
            "herokucdn.com/error-pages/no-such-app.html",
            "There's nothing here, yet.",
        ],
    },
    Provider {
        name: "Microsoft Azure",
        names: Names::Suffixes(&[
            ".azurewebsites.net",
            ".cloudapp.net",
            ".cloudapp.azure.com",
            ".trafficmanager.net",
            ".blob.core.windows.net",
            ".azureedge.net",
            ".azure-api.net",
            ".azurecontainer.io",
            ".azurehdinsight.net",
            ".search.windows.net",
            ".servicebus.windows.net",
        ]),
        claimable_when_missing: true,
        unclaimed: &[],
    },
    Provider {
        name: "AWS Elastic Beanstalk",
        names: Names::Suffixes(&[".elasticbeanstalk.com"]),
        claimable_when_missing: true,
        unclaimed: &[],
    },
    Provider {
        name: "Shopify",
        names: Names::Suffixes(&[".myshopify.com"]),
        claimable_when_missing: false,
        unclaimed: &[
            "Sorry, this shop is currently unavailable.",
            "Only one step left!",
        ],
    },
    Provider {
        name: "Fastly",
        names: Names::Suffixes(&[".fastly.net", ".fastlylb.net"]),
        claimable_when_missing: false,
        unclaimed: &["Fastly error: unknown domain"],
    },
    Provider {
        name: "Netlify",
        names: Names::Suffixes(&[".netlify.app", ".netlify.com", ".netlifyglobalcdn.com"]),
        claimable_when_missing: false,
        unclaimed: &["Not Found - Request ID"],
    },
    Provider {
        name: "Vercel",
        names: Names::Suffixes(&[".vercel-dns.com", ".vercel.app", ".now.sh"]),
        claimable_when_missing: false,
        unclaimed: &[
            "DEPLOYMENT_NOT_FOUND",
            "The deployment could not be found on Vercel",
        ],
    },
    Provider {
        name: "Ghost",
        names: Names::Suffixes(&[".ghost.io"]),
        claimable_when_missing: false,
        unclaimed: &["Failed to resolve DNS path for this host"],
    },
    Provider {
        name: "Pantheon",
        names: Names::Suffixes(&[".pantheonsite.io", ".getpantheon.com"]),
        claimable_when_missing: false,
        unclaimed: &["The gods are wise, but do not know of the site which you seek."],
    },
    Provider {
        name: "Zendesk",
        names: Names::Suffixes(&[".zendesk.com"]),
        claimable_when_missing: false,
        unclaimed: &["Help Center Closed"],
    },
    Provider {
        name: "Bitbucket",
        names: Names::Suffixes(&[".bitbucket.io"]),
        claimable_when_missing: false,
        unclaimed: &["Repository not found"],
    },
    Provider {
        name: "Fly.io",
        names: Names::Suffixes(&[".fly.dev", ".edgeapp.net"]),
        claimable_when_missing: true,
        unclaimed: &[],
    },
    Provider {
        name: "Surge",
        names: Names::Suffixes(&[".surge.sh"]),
        claimable_when_missing: false,
        unclaimed: &["project not found"],
    },
    Provider {
        name: "Read the Docs",
        names: Names::Suffixes(&[".readthedocs.io", ".readthedocs.org"]),
        claimable_when_missing: false,
        unclaimed: &["is unknown to Read the Docs"],
    },
    Provider {
        name: "Webflow",
        names: Names::Suffixes(&["proxy.webflow.com", "proxy-ssl.webflow.com"]),
        claimable_when_missing: false,
        unclaimed: &["The page you are looking for doesn't exist or has been moved."],
    },
    Provider {
        name: "Unbounce",
        names: Names::Suffixes(&[".unbouncepages.com"]),
        claimable_when_missing: false,
        unclaimed: &["The requested URL was not found on this server."],
    },
    Provider {
        name: "Tumblr",
        names: Names::Suffixes(&["domains.tumblr.com"]),
        claimable_when_missing: false,
        unclaimed: &["Whatever you were looking for doesn't currently exist at this address."],
    },
    Provider {
        name: "WordPress.com",
        names: Names::Suffixes(&[".wordpress.com"]),
        claimable_when_missing: false,
        unclaimed: &["Do you want to register"],
    },
    Provider {
        name: "Help Scout",
        names: Names::Suffixes(&[".helpscoutdocs.com"]),
        claimable_when_missing: false,
        unclaimed: &["No settings were found for this company:"],
    },
];

/// The provider that owns `host`, if any.
pub fn provider_of(host: &str) -> Option<&'static Provider> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    PROVIDERS.iter().find(|p| p.owns(&host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_map_to_their_provider() {
        let name = |h: &str| provider_of(h).map(|p| p.name);
        assert_eq!(name("assets.s3.amazonaws.com"), Some("Amazon S3"));
        assert_eq!(name("a.b.s3.eu-west-1.amazonaws.com."), Some("Amazon S3"));
        assert_eq!(
            name("site.s3-website-us-east-1.amazonaws.com"),
            Some("Amazon S3")
        );
        assert_eq!(name("ec2-1-2-3-4.compute-1.amazonaws.com"), None);
        assert_eq!(name("acme.github.io"), Some("GitHub Pages"));
        assert_eq!(name("shops.myshopify.com"), Some("Shopify"));
        assert_eq!(name("cname.vercel-dns.com"), Some("Vercel"));
        assert_eq!(name("shop.azurewebsites.net"), Some("Microsoft Azure"));
        assert_eq!(name("notgithub.io"), None);
        assert_eq!(name("example.com"), None);
    }
}
