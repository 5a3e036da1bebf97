"""Resources that depend on their role only through its ARN.

CDK gives a state machine and a singleton Lambda (the console's BucketDeployment handler) a
DependsOn on both their role and its default policy, while the role's ARN in their properties
already orders them after the role: cfn-lint warns of that (W3005). The DependsOn on the policy
is kept: nothing else makes the resource wait for its permissions.
"""

from __future__ import annotations

from aws_cdk import CfnResource, Stack
from constructs import Construct


def depend_on_policy_only(resource: Construct, role: Construct) -> None:
    """Replace `resource`'s DependsOn with its role's default policy alone."""
    cfn = resource.node.default_child
    policy = role.node.try_find_child("DefaultPolicy")
    if not isinstance(cfn, CfnResource) or policy is None:
        return
    policy_cfn = policy.node.default_child
    assert isinstance(policy_cfn, CfnResource)
    cfn.add_override("DependsOn", [Stack.of(resource).get_logical_id(policy_cfn)])
