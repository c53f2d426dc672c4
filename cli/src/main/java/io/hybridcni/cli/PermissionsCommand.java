package io.hybridcni.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code hybridcni permissions}: what hybridcni itself needs in RAM and in Kubernetes. The RAM and CS actions are one
 * list, the aliyun-adapter's {@code hybridcni-operator-policy.json} (DescribeTaskInfo included): a new call is added
 * there, and the adapter's OperatorPolicyTest fails when a call the adapter makes is missing from it. The Kubernetes
 * part is the kube-adapter's ClusterRole, then (after {@code ---}) the Role that holds the apply lock's Lease in
 * kube-system: a Lease is namespaced, and a ClusterRole rule on Leases would reach every controller's.
 */
@Command(name = "permissions", mixinStandardHelpOptions = true,
    description = "Print the RAM policy and the Kubernetes ClusterRole and Role that hybridcni itself needs.")
final class PermissionsCommand implements Callable<Integer> {

  @picocli.CommandLine.ParentCommand
  HybridCniCommand parent;

  @Override
  public Integer call() throws IOException {
    var out = parent.terminal.out();
    out.println("# RAM policy for the identity that runs hybridcni (attach it to that RAM user or role):");
    out.print(resource("/io/hybridcni/aliyun/hybridcni-operator-policy.json"));
    out.println();
    // Alibaba's reference for GetCallerIdentity says "No authorization for this operation"
    // (https://help.aliyun.com/document_detail/43767.html): it is not a RAM action and belongs in no policy.
    out.println("# STS GetCallerIdentity, which finds who owns a key already in the shared Secret, is signed with that "
        + "key and needs no RAM permission.");
    out.println("# Kubernetes ClusterRole and Role for the identity that runs hybridcni (bind the ClusterRole with a "
        + "ClusterRoleBinding and the Role with a RoleBinding in its namespace); from here on a multi-document YAML "
        + "for kubectl apply -f -:");
    out.print(resource("/io/hybridcni/kube/hybridcni-clusterrole.yaml"));
    out.println("---");
    out.print(resource("/io/hybridcni/kube/hybridcni-lease-role.yaml"));
    return ExitCodes.OK;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PermissionsCommand.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
