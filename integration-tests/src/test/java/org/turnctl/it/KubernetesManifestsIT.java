package org.turnctl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.turnctl.cli.Turnctl;
import org.turnctl.server.metrics.Operations;

/**
 * deploy/kubernetes without a cluster: every rendered manifest parses into fabric8's Kubernetes
 * model with no unknown field, and what the manifests say agrees with what turnctl does (probe
 * ports and paths, config, image, user, drain time, metrics the autoscaler and alerts read).
 */
class KubernetesManifestsIT {
    private static final Path K8S = DeploymentFilesIT.ROOT.resolve("deploy/kubernetes");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Set<String> CUSTOM_RESOURCE_GROUPS = Set.of("monitoring.coreos.com/v1");
    /** What the downward API would give in these tests: the node's or the pod's IP. */
    private static final String SAMPLE_IP = "10.0.0.5";

    private static List<HasMetadata> render(String dir) throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        for (Map<String, Object> doc : new Kustomize(YAML).build(K8S.resolve(dir))) {
            HasMetadata r = YAML.unmarshal(YAML.asJson(doc));
            if (r instanceof GenericKubernetesResource) {
                // The Prometheus Operator's kinds have no model at fabric8 8.0.0 here (openshift-model-monitoring
                // is not served at that version); those are checked field by field below.
                assertTrue(CUSTOM_RESOURCE_GROUPS.contains(r.getApiVersion()), "not in the Kubernetes model: " + r.getApiVersion()
                        + " " + r.getKind());
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(r, r.getKind() + "/" + r.getMetadata().getName(), unknown);
            assertTrue(unknown.isEmpty(), dir + ": fields the Kubernetes API does not have: " + unknown);
            out.add(r);
        }
        return out;
    }

    /** Every field fabric8 could not map lands in an additionalProperties map; collect their paths. */
    static void unknownFields(Object o, String path, List<String> into) throws Exception {
        if (o == null || o instanceof GenericKubernetesResource) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", into);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), into);
            }
            return;
        }
        if (!o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    into.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + m.getName().substring(3), into);
            }
        }
    }

    private static <T extends HasMetadata> List<T> all(List<HasMetadata> rs, Class<T> kind) {
        return rs.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> rs, Class<T> kind) {
        List<T> found = all(rs, kind);
        assertEquals(1, found.size(), kind.getSimpleName() + ": " + found.size());
        return found.get(0);
    }

    @Test
    void aTypoIsCaught() throws Exception {
        HasMetadata typo = YAML.unmarshal("""
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      hostNetwrok: true
                      containers: [{name: c, image: i, readinesProbe: {}}]
                """);
        List<String> unknown = new ArrayList<>();
        unknownFields(typo, "DaemonSet/x", unknown);
        assertEquals(2, unknown.size(), unknown.toString());
        assertTrue(unknown.toString().contains("hostNetwrok") && unknown.toString().contains("readinesProbe"), unknown.toString());
    }

    @Test
    void theBaseIsADaemonSetOnTheHostNetwork(@TempDir Path tmp) throws Exception {
        List<HasMetadata> base = render("base");
        DaemonSet ds = one(base, DaemonSet.class);
        assertTrue(ds.getSpec().getTemplate().getSpec().getHostNetwork(), "hostNetwork");
        assertEquals("ClusterFirstWithHostNet", ds.getSpec().getTemplate().getSpec().getDnsPolicy());
        assertEquals(0, ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal(),
                "the node's ports cannot be held by two pods");
        for (HasMetadata r : base) {
            assertEquals(r.getKind().equals("Namespace") ? null : "turnctl", r.getMetadata().getNamespace(), r.getKind());
        }
        checkWorkload(base, ds.getSpec().getTemplate(), ds.getSpec().getSelector().getMatchLabels(), tmp);
        PodDisruptionBudget pdb = one(base, PodDisruptionBudget.class);
        assertEquals(ds.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
        // The Secret ships empty, and turnctl refuses to start with it (no relay with a placeholder secret).
        Secret secret = one(base, Secret.class);
        assertEquals(Set.of("auth-secret", "admin-token"), secret.getStringData().keySet());
        assertTrue(secret.getStringData().values().stream().allMatch(String::isEmpty), "no credentials in the repository");
    }

    @Test
    void theAutoscaledOverlayIsADeploymentBehindALoadBalancer(@TempDir Path tmp) throws Exception {
        List<HasMetadata> rs = render("overlays/autoscaled");
        assertTrue(all(rs, DaemonSet.class).isEmpty(), "the Deployment replaces the DaemonSet");
        Deployment d = one(rs, Deployment.class);
        assertFalse(Boolean.TRUE.equals(d.getSpec().getTemplate().getSpec().getHostNetwork()));
        checkWorkload(rs, d.getSpec().getTemplate(), d.getSpec().getSelector().getMatchLabels(), tmp);
        Service lb = one(rs, Service.class);
        assertEquals("LoadBalancer", lb.getSpec().getType());
        assertEquals("Local", lb.getSpec().getExternalTrafficPolicy(), "clients' own addresses reach the relay");
        assertEquals(d.getSpec().getSelector().getMatchLabels(), lb.getSpec().getSelector());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Set<String> named = new java.util.HashSet<>();
        c.getPorts().forEach(p -> named.add(p.getName() + "/" + p.getProtocol()));
        lb.getSpec().getPorts().forEach(p -> assertTrue(named.contains(p.getTargetPort().getStrVal() + "/" + p.getProtocol()),
                "the Service targets a port the pod has: " + p));
        assertEquals(Set.of("UDP", "TCP"), Set.copyOf(lb.getSpec().getPorts().stream().map(p -> p.getProtocol()).toList()));

        HorizontalPodAutoscaler hpa = one(rs, HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals(d.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        MetricSpec cpu = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Resource")).findFirst().orElseThrow();
        assertEquals("cpu", cpu.getResource().getName());
        assertEquals(70, cpu.getResource().getTarget().getAverageUtilization());
        MetricSpec perPod = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Pods")).findFirst().orElseThrow();
        String metric = perPod.getPods().getMetric().getName();
        assertEquals("turn_allocations_active", metric);
        assertTrue(Pattern.compile("(?m)^" + metric + "[{ ]").matcher(DeploymentFilesIT.scrapeOfARunningServer()).find(),
                metric + " is exported");
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrometheusOperatorOverlayScrapesEveryPodAndCarriesTheAlerts() throws Exception {
        List<HasMetadata> rs = render("overlays/prometheus-operator");
        one(rs, DaemonSet.class);
        GenericKubernetesResource monitor = all(rs, GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        GenericKubernetesResource rule = all(rs, GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
        Service metrics = one(rs, Service.class);
        assertEquals("None", metrics.getSpec().getClusterIP(), "headless: one endpoint per relay pod");
        Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
        assertEquals(metrics.getMetadata().getLabels(), selector.get("matchLabels"), "the ServiceMonitor selects the metrics Service");
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
        assertEquals(metrics.getSpec().getPorts().get(0).getName(), endpoints.get(0).get("port"));
        assertEquals("/metrics", endpoints.get(0).get("path"));
        DaemonSet ds = one(rs, DaemonSet.class);
        assertTrue(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .anyMatch(p -> p.getName().equals(metrics.getSpec().getPorts().get(0).getTargetPort().getStrVal())));
        // The alerts are deploy/prometheus/alerts.yml's, whose metrics DeploymentFilesIT checks are exported.
        Map<String, Object> alerts = YAML.unmarshal(Files.readString(DeploymentFilesIT.ROOT.resolve("deploy/prometheus/alerts.yml")),
                Map.class);
        Map<String, Object> ruleSpec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
        assertEquals(alerts.get("groups"), ruleSpec.get("groups"), "PrometheusRule and alerts.yml differ");
    }

    /** What both workloads must get right; {@code tmp} holds the config check's files. */
    private static void checkWorkload(List<HasMetadata> rs, PodTemplateSpec template, Map<String, String> selector, Path tmp)
            throws Exception {
        assertTrue(template.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()), "the selector selects the pods");
        PodSpec pod = template.getSpec();
        assertEquals(1, pod.getContainers().size());
        Container c = pod.getContainers().get(0);

        // The image docker/ builds, run as its user.
        Matcher image = Pattern.compile("(?m)^\\s+image:\\s*(\\S+)").matcher(Files.readString(DeploymentFilesIT.ROOT.resolve("docker/compose.yaml")));
        assertTrue(image.find());
        assertEquals(image.group(1), c.getImage(), "the image docker/compose.yaml builds");
        Matcher uid = Pattern.compile("useradd [^\\n]*--uid (\\d+)").matcher(Files.readString(DeploymentFilesIT.ROOT.resolve("docker/Dockerfile")));
        assertTrue(uid.find(), "the Dockerfile's user has a fixed uid");
        assertEquals(Long.parseLong(uid.group(1)), pod.getSecurityContext().getRunAsUser());
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        List<String> added = c.getSecurityContext().getCapabilities().getAdd();
        assertTrue(added == null || List.of("NET_BIND_SERVICE").containsAll(added), "only NET_BIND_SERVICE: " + added);
        assertNotNull(c.getResources().getRequests().get("cpu"));
        assertNotNull(c.getResources().getLimits().get("memory"));

        // Volumes: every mount has its volume, and every ConfigMap/Secret it names is rendered (or optional).
        Map<String, Volume> volumes = new LinkedHashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        for (VolumeMount m : c.getVolumeMounts()) {
            assertTrue(volumes.containsKey(m.getName()), "mount without a volume: " + m.getName());
        }
        ConfigMap config = null;
        for (Volume v : volumes.values()) {
            if (v.getConfigMap() != null) {
                config = all(rs, ConfigMap.class).stream().filter(cm -> cm.getMetadata().getName().equals(v.getConfigMap().getName()))
                        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + v.getConfigMap().getName()));
            }
            if (v.getSecret() != null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                assertTrue(all(rs, Secret.class).stream().anyMatch(s -> s.getMetadata().getName().equals(v.getSecret().getSecretName())),
                        "no Secret " + v.getSecret().getSecretName());
            }
        }
        assertNotNull(config, "a ConfigMap volume");
        assertTrue(c.getArgs().containsAll(List.of("serve", "--config", "/etc/turnctl/turnctl.conf")), c.getArgs().toString());

        // The pod's environment as the kubelet would give it, and the config file as mounted.
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            String value = e.getValueFrom() != null ? SAMPLE_IP : e.getValue();
            Matcher ref = Pattern.compile("\\$\\((\\w+)\\)").matcher(value);
            env.put(e.getName(), ref.replaceAll(r -> Matcher.quoteReplacement(env.getOrDefault(r.group(1), r.group()))));
        }
        String conf = config.getData().get("turnctl.conf");
        assertNotNull(conf, "turnctl.conf in the ConfigMap");
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Path file = tmp.resolve("turnctl.conf");
        Files.writeString(file, conf.replace("/etc/turnctl/secrets/", secrets + "/"));
        // As shipped (empty Secret): refused, with the reason.
        Files.writeString(secrets.resolve("auth-secret"), "");
        Files.writeString(secrets.resolve("admin-token"), "");
        StringWriter err = new StringWriter();
        assertEquals(2, Turnctl.run(new String[] {"config", "check", file.toString()}, env, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true)), "an empty Secret must not start a relay");
        assertTrue(err.toString().contains("no secret in it"), err.toString());
        // Filled in: passes `turnctl config check` with the pod's environment.
        Files.writeString(secrets.resolve("auth-secret"), "a-shared-secret-of-some-length\n");
        Files.writeString(secrets.resolve("admin-token"), "an-admin-token-of-32-characters!\n");
        StringWriter out = new StringWriter();
        err = new StringWriter();
        assertEquals(0, Turnctl.run(new String[] {"config", "check", file.toString()}, env, new PrintWriter(out, true),
                new PrintWriter(err, true)), err.toString());
        assertTrue(out.toString().contains("relay-ip = " + SAMPLE_IP), out.toString());
        Matcher metricsListen = Pattern.compile("(?m)^metrics-listen = (\\S+):(\\d+)$").matcher(out.toString());
        assertTrue(metricsListen.find(), out.toString());
        assertEquals(SAMPLE_IP, metricsListen.group(1), "metrics where the kubelet's probes reach them");
        int metricsPort = Integer.parseInt(metricsListen.group(2));

        // Probes: their port is the metrics listener's, and turnctl serves their paths.
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ContainerPort p : c.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        assertEquals(metricsPort, ports.get("metrics"));
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
        try (Operations ops = Operations.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            HttpClient http = HttpClient.newHttpClient();
            for (Probe probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
                String portName = probe.getHttpGet().getPort().getStrVal();
                assertEquals(metricsPort, ports.get(portName), "probe port " + portName);
                int status = http.send(HttpRequest.newBuilder(URI.create("http://" + DeploymentFilesIT.hostPort(ops.address())
                        + probe.getHttpGet().getPath())).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                assertNotEquals(404, status, probe.getHttpGet().getPath() + " is served");
            }
        }

        // The kubelet's SIGKILL comes after the drain, not during it.
        Matcher drain = Pattern.compile("(?m)^\\s*drain-timeout\\s*=\\s*(\\d+)([smh])\\s*$").matcher(conf);
        assertTrue(drain.find(), "drain-timeout in turnctl.conf");
        long drainSeconds = Long.parseLong(drain.group(1)) * Map.of("s", 1, "m", 60, "h", 3600).get(drain.group(2));
        assertTrue(pod.getTerminationGracePeriodSeconds() >= drainSeconds + 30,
                "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " < drain-timeout " + drainSeconds + " s + 30 s");
    }
}
