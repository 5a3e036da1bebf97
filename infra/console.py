"""The hosted web console: the built `frontend/dist/` (`make console`) in a private bucket behind
CloudFront, with `/api/*` routed to the REST API through the same distribution.

The console calls the API on its own origin (`frontend/src/api/client.ts` builds URLs from
`window.location.origin`), so one domain serves both and the browser needs no CORS. The REST API's
stage is the origin path: Chalice's routes already start with `/api`, so `/api/jobs` on the
console's domain reaches `/<api stage>/api/jobs` on API Gateway. Nothing of the API is cached,
and the `Authorization` header and query strings reach it.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as deployment
from constructs import Construct

from infra.depends import depend_on_policy_only
from infra.nag import acknowledge

# The singleton Lambda that copies the console into its bucket (CDK's id for it, in the stack).
BUCKET_DEPLOYMENT_HANDLER = "Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"
FRONTEND_DIR = Path(__file__).resolve().parent.parent / "frontend" / "dist"


class HostedConsole(Construct):
    def __init__(
        self,
        scope: Stack,
        construct_id: str,
        *,
        rest_api_id: str,
        api_stage: str,
        access_logs: s3.IBucket,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        # Retained like the images bucket (`cdk destroy` leaves it): emptying it on delete would
        # take one more CDK function, without a log retention of its own.
        self.bucket = s3.Bucket(
            self,
            "Files",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="console/",
        )
        api_domain = f"{rest_api_id}.execute-api.{scope.region}.{scope.url_suffix}"
        api = origins.HttpOrigin(
            api_domain,
            origin_path=f"/{api_stage}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Image Factory console and API",
            default_root_object="index.html",
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            additional_behaviors={
                "/api/*": cloudfront.BehaviorOptions(
                    origin=api,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    # Everything the viewer sent (Authorization, query, body) but its Host header,
                    # which API Gateway needs to be its own.
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                )
            },
        )
        deployment.BucketDeployment(
            self,
            "Deploy",
            sources=[deployment.Source.asset(str(FRONTEND_DIR))],
            destination_bucket=self.bucket,
            # No invalidation (CDK's would need cloudfront:CreateInvalidation on every
            # distribution): files are cached five minutes, so a deploy shows within five.
            cache_control=[deployment.CacheControl.max_age(Duration.minutes(5))],
            log_group=logs.LogGroup(
                self, "DeployLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
            ),
        )
        handler = Stack.of(self).node.try_find_child(BUCKET_DEPLOYMENT_HANDLER)
        if handler is not None:
            depend_on_policy_only(handler, handler.node.find_child("ServiceRole"))
        acknowledge(
            self.distribution,
            "CFR4",
            "Served under the default *.cloudfront.net certificate, whose TLS versions CloudFront "
            "sets; a TLSv1.2_2021 policy needs a custom domain and certificate the stack does not own",
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        CfnOutput(scope, "ConsoleUrl", value=self.url, description="The web console (and the API under /api)")
