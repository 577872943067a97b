package io.ipsecmesh.proto.config;

import io.ipsecmesh.proto.sa.ChildSa;
import io.ipsecmesh.proto.sa.EspTransform;

/**
 * {@code crypto ipsec transform-set NAME T1 [T2]} and its {@code mode tunnel|transport}. Only suites the
 * data plane runs are accepted, so every transform set maps to one {@link EspTransform}.
 */
public record TransformSet(String name, EspTransform transform, ChildSa.Mode mode) {}
