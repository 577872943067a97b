package io.ipsecmesh.config.lang;

import io.ipsecmesh.proto.config.GatewayConfig;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads IOS configuration text into a {@link GatewayConfig}.
 *
 * <p>Sub-modes work as on IOS: a header line ({@code crypto map green 1 ipsec-isakmp}) opens a block; a
 * line belongs to the innermost open block that is less indented than it, or, when not indented, to
 * the innermost block that knows the command, so the flat examples of the older guides load like the
 * indented ones. {@code !} closes the blocks at its indentation and deeper, {@code exit} closes one,
 * {@code end} ends the configuration. Every line is checked on its own: a refused line gives one
 * {@link ConfigError} with its line number and the rest of the file is still read, so one run reports
 * every mistake.
 */
public final class ConfigParser {

  private record Frame(Block block, int indent) {}

  private final Diagnostics diagnostics;
  private final ConfigDraft draft = new ConfigDraft();
  private final CrossReferences references = new CrossReferences();
  private final GlobalCommands global;
  private final Deque<Frame> open = new ArrayDeque<>();
  private final LegacyCrypto legacy;
  private boolean ended;
  private boolean warnedAfterEnd;

  private ConfigParser(String fileName) {
    this.diagnostics = new Diagnostics(fileName);
    this.global = new GlobalCommands(draft, diagnostics, references);
    this.legacy = draft.legacy;
  }

  /** Parses one configuration file; never throws: every problem is a {@link ConfigError} of the result. */
  public static ParseResult parse(String fileName, String text) {
    return new ConfigParser(fileName == null ? "-" : fileName).run(text == null ? "" : text);
  }

  private ParseResult run(String text) {
    String[] lines = Lines.split(text);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      try {
        line(number, lines[i]);
      } catch (LineError e) {
        e.messages().forEach(m -> diagnostics.error(number, m));
      } catch (RuntimeException e) {
        // A bug of ours must not take the configuration service down; the line is refused and named.
        diagnostics.error(number, "internal error while reading this line: " + e);
      }
    }
    references.check(draft, diagnostics);
    TunnelInterfaceCheck.check(draft, diagnostics);
    AddressFamilyCheck.check(draft, diagnostics);
    draft.isakmpPeers.values().forEach(p -> IsakmpPeerBlock.warnIncomplete(p, diagnostics, p.line));
    legacy.report(diagnostics);
    GatewayConfig config = diagnostics.hasErrors() ? null : draft.build();
    return new ParseResult(config, diagnostics.errors(), diagnostics.warnings());
  }

  private void line(int number, String raw) {
    String body = raw.strip();
    if (body.isEmpty()) {
      return;
    }
    if (ended) {
      if (!warnedAfterEnd) {
        warnedAfterEnd = true;
        diagnostics.warn(number, "ignored: the configuration ended with 'end'");
      }
      return;
    }
    int indent = indentation(raw);
    if (body.startsWith("!")) {
      closeFrom(indent);
      return;
    }
    Args a = new Args(number, indent, Lines.words(body));
    a.legacy = legacy;
    if (a.size() == 1 && a.is(0, "exit")) {
      open.pollFirst();
      return;
    }
    if (a.size() == 1 && a.is(0, "end")) {
      ended = true;
      open.clear();
      return;
    }
    Frame target = route(a);
    if (target == null) {
      open.clear();
      Block opened;
      try {
        opened = global.apply(a);
      } catch (LineError e) {
        e.messages().forEach(m -> diagnostics.error(number, m));
        opened = GlobalCommands.opensBlock(a) ? new RefusedBlock(a.text()) : null;
      }
      if (opened != null) {
        open.push(new Frame(opened, indent));
      }
      return;
    }
    while (open.peek() != target) {
      open.pop();
    }
    Block block = target.block();
    if (block.owns(a)) {
      Block child = block.apply(a);
      if (child != null) {
        open.push(new Frame(child, indent));
      }
    } else if (!block.swallowsUnknown()) {
      diagnostics.warn(number, "ignored in " + block.title() + " (not part of the IPsec configuration): "
          + a.summary());
    }
  }

  /** The open block the line belongs to, or null for global configuration mode. */
  private Frame route(Args a) {
    if (open.isEmpty()) {
      return null;
    }
    if (a.indent > 0) {
      Frame enclosing = null;
      for (Frame f : open) {
        if (f.indent() < a.indent) {
          enclosing = f;
          break;
        }
      }
      if (enclosing != null) {
        for (Frame f : open) {
          if (f.indent() < a.indent && f.block().owns(a)) {
            return f;
          }
        }
        return Syntax.isGlobalCommand(a) && isOnlyGlobal(a) ? null : enclosing;
      }
    }
    for (Frame f : open) {
      if (f.block().owns(a)) {
        return f;
      }
    }
    return Syntax.isGlobalCommand(a) ? null : open.peek();
  }

  /** Crypto headers are global whatever their indentation: a misplaced space must not hide a crypto map. */
  private static boolean isOnlyGlobal(Args a) {
    return a.is(0, "crypto") || a.is(0, "interface") || a.is(0, "access-list");
  }

  private void closeFrom(int indent) {
    while (!open.isEmpty() && open.peek().indent() >= indent) {
      open.pop();
    }
  }

  private static int indentation(String raw) {
    int i = 0;
    while (i < raw.length() && (raw.charAt(i) == ' ' || raw.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
