package io.ipsecmesh.config.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ipsecmesh.config.api.ExecCommand.ClearSession;
import io.ipsecmesh.config.api.ExecCommand.ShowIpsecSa;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of what an operator or a script sends to {@code POST /exec}: the request
 * interpretation of {@link ExecRequest} (content type, JSON or plain body) and the IOS exec parser behind
 * it. The only refusal is {@link ExecSyntaxException} with a bounded IOS-style text (the API answers 400
 * with it); an accepted command is one of the documented ones, its address argument a literal.
 *
 * <p>Input: a plain exec line for {@link #parse(byte[])}; for {@link #request(byte[])} the first byte picks
 * the content type (even: text/plain, odd: application/json) and the rest is the body. Corpus: {@code
 * ExecParserFuzzTestInputs/{parse,request}/}, seeded with every exec command of the README and the seed.
 */
class ExecParserFuzzTest {

  /** {@code MAX_LINE} (512) echoed once, the caret line as long again, and the IOS text. */
  private static final int MAX_MESSAGE = 2 * 512 + 100;

  @FuzzTest
  void parse(byte[] line) {
    parseLine(new String(line, StandardCharsets.UTF_8));
  }

  @FuzzTest
  void request(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String type = (input[0] & 1) == 0 ? "text/plain" : "application/json";
    String body = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    String line;
    try {
      line = ExecRequest.commandLine(type, body);
    } catch (ExecSyntaxException refused) {
      assertTrue(refused.getMessage().startsWith("% "), refused.getMessage());
      return;
    }
    assertEquals(line.strip(), line, "the command line is stripped");
    assertTrue(!line.isEmpty(), "an empty command line reaches the parser");
    parseLine(line);
  }

  private static void parseLine(String line) {
    ExecCommand c;
    try {
      c = ExecParser.parse(line);
    } catch (ExecSyntaxException refused) {
      assertTrue(refused.getMessage().length() <= MAX_MESSAGE, "unbounded error text");
      assertTrue(refused.getMessage().contains("% "), refused.getMessage());
      return;
    }
    switch (c) {
      case ShowIpsecSa s when s.peer() != null -> assertTrue(isAddressLiteral(s.peer()), s.peer());
      case ClearSession s when s.remote() != null -> assertTrue(isAddressLiteral(s.remote()), s.remote());
      default -> { }
    }
  }

  private static boolean isAddressLiteral(String s) {
    return s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':');
  }
}
