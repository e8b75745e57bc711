package org.turnctl.it;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of `kustomize build` that deploy/kubernetes uses, so the test needs no cluster and no
 * kustomize binary: {@code resources} (files, or directories with their own kustomization),
 * {@code namespace}, and {@code patches} that delete a resource ({@code $patch: delete}). Anything
 * else in a kustomization fails the render, so a manifest change that needs more cannot pass
 * unchecked. YAML is read by fabric8's serializer.
 */
final class Kustomize {
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "resources", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private final KubernetesSerialization yaml;

    Kustomize(KubernetesSerialization yaml) {
        this.yaml = yaml;
    }

    /** The resources `kustomize build dir` would print, as maps. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> build(Path dir) throws IOException {
        Map<String, Object> k = yaml.unmarshal(Files.readString(dir.resolve("kustomization.yaml")), Map.class);
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(dir + "/kustomization.yaml: '" + key + "' is not supported by the test's renderer");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object r : (List<Object>) k.getOrDefault("resources", List.of())) {
            Path p = dir.resolve((String) r).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p));
            } else {
                out.addAll(documents(p));
            }
        }
        for (Object patch : (List<Object>) k.getOrDefault("patches", List.of())) {
            Map<String, Object> entry = (Map<String, Object>) patch;
            if (!entry.keySet().equals(Set.of("path"))) {
                throw new IllegalArgumentException(dir + ": only patches with a path are supported: " + entry);
            }
            for (Map<String, Object> p : documents(dir.resolve((String) entry.get("path")))) {
                if (!"delete".equals(p.get("$patch"))) {
                    throw new IllegalArgumentException(dir + ": only $patch: delete patches are supported: " + p);
                }
                int before = out.size();
                out.removeIf(res -> res.get("kind").equals(p.get("kind")) && name(res).equals(name(p)));
                if (out.size() == before) {
                    throw new IllegalArgumentException(dir + ": the patch deletes nothing: " + p.get("kind") + "/" + name(p));
                }
            }
        }
        Object namespace = k.get("namespace");
        if (namespace != null) {
            for (Map<String, Object> res : out) {
                if (!CLUSTER_SCOPED.contains(res.get("kind"))) {
                    ((Map<String, Object>) res.get("metadata")).put("namespace", namespace);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!doc.strip().isEmpty() && !doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                docs.add(new LinkedHashMap<>(yaml.unmarshal(doc, Map.class)));
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> res) {
        return String.valueOf(((Map<String, Object>) res.get("metadata")).get("name"));
    }
}
