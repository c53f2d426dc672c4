package io.hybridcni.bench;

import io.hybridcni.aliyun.RamApi;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.port.AccessKeyCredential;
import java.util.List;
import java.util.Optional;

/** A {@link RamApi} whose every call passes through a {@link CallGate}, named by its RAM operation. */
final class GatedRamApi implements RamApi {

  private final RamApi ram;
  private final CallGate gate;

  GatedRamApi(RamApi ram, CallGate gate) {
    this.ram = ram;
    this.gate = gate;
  }

  @Override
  public Optional<RamFacts.User> getUser(String userName) {
    return gate.call("GetUser", () -> ram.getUser(userName));
  }

  @Override
  public void createUser(String userName, String comments) {
    gate.run("CreateUser", () -> ram.createUser(userName, comments));
  }

  @Override
  public Optional<PolicySummary> getPolicy(String policyName, String policyType) {
    return gate.call("GetPolicy", () -> ram.getPolicy(policyName, policyType));
  }

  @Override
  public List<RamFacts.PolicyVersion> listPolicyVersions(String policyName, String policyType) {
    return gate.call("ListPolicyVersions", () -> ram.listPolicyVersions(policyName, policyType));
  }

  @Override
  public void createPolicy(String policyName, String document, String description) {
    gate.run("CreatePolicy", () -> ram.createPolicy(policyName, document, description));
  }

  @Override
  public String createPolicyVersion(String policyName, String document, boolean setAsDefault) {
    return gate.call("CreatePolicyVersion", () -> ram.createPolicyVersion(policyName, document, setAsDefault));
  }

  @Override
  public void deletePolicyVersion(String policyName, String versionId) {
    gate.run("DeletePolicyVersion", () -> ram.deletePolicyVersion(policyName, versionId));
  }

  @Override
  public List<RamFacts.AttachedPolicy> listPoliciesForUser(String userName) {
    return gate.call("ListPoliciesForUser", () -> ram.listPoliciesForUser(userName));
  }

  @Override
  public List<RamFacts.PolicyHolder> listEntitiesForPolicy(String policyName, String policyType) {
    return gate.call("ListEntitiesForPolicy", () -> ram.listEntitiesForPolicy(policyName, policyType));
  }

  @Override
  public void attachPolicyToUser(String userName, String policyName, String policyType) {
    gate.run("AttachPolicyToUser", () -> ram.attachPolicyToUser(userName, policyName, policyType));
  }

  @Override
  public void detachPolicyFromUser(String userName, String policyName, String policyType) {
    gate.run("DetachPolicyFromUser", () -> ram.detachPolicyFromUser(userName, policyName, policyType));
  }

  @Override
  public void deleteUser(String userName) {
    gate.run("DeleteUser", () -> ram.deleteUser(userName));
  }

  @Override
  public void deletePolicy(String policyName) {
    gate.run("DeletePolicy", () -> ram.deletePolicy(policyName));
  }

  @Override
  public List<RamFacts.AccessKey> listAccessKeys(String userName) {
    return gate.call("ListAccessKeys", () -> ram.listAccessKeys(userName));
  }

  @Override
  public AccessKeyCredential createAccessKey(String userName) {
    return gate.call("CreateAccessKey", () -> ram.createAccessKey(userName));
  }

  @Override
  public void deleteAccessKey(String userName, String accessKeyId) {
    gate.run("DeleteAccessKey", () -> ram.deleteAccessKey(userName, accessKeyId));
  }
}
