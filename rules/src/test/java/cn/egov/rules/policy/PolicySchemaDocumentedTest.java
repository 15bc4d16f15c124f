package cn.egov.rules.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's option reference is the schema's own rendering: change one, update the other. */
class PolicySchemaDocumentedTest {

    @Test
    void readmeHoldsTheSchemaReference() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(PolicySchema.markdown()),
                "rules/README.md does not hold PolicySchema.markdown(); paste its current output into the policy section");
    }
}
