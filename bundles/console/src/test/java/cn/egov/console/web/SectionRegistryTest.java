package cn.egov.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.egov.console.api.ConsoleSection;
import cn.egov.console.api.ConsoleUser;
import cn.egov.console.api.Role;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.junit.jupiter.api.Test;

/** A stand-in holds a section's path while the service is off, and steps back while the real one is there. */
class SectionRegistryTest {
    private static final ConsoleUser CLERK = new ConsoleUser("li.wei", Set.of(Role.CLERK), "130602-001");

    @Test
    void aStandInAnswersItsPathOnlyWhileTheRealSectionIsAbsentAndIsNeverListed() {
        SectionRegistry registry = new SectionRegistry();
        ConsoleSection standIn = section(true);
        ConsoleSection real = section(false);
        assertTrue(registry.add(standIn));
        assertSame(standIn, registry.find("exchange").orElseThrow());
        assertEquals(List.of(), registry.visibleTo(CLERK), "the start page still says the clerk has no pages yet");

        assertTrue(registry.add(real), "the real section takes the path over");
        assertSame(real, registry.find("exchange").orElseThrow());
        assertEquals(List.of(real), registry.visibleTo(CLERK));

        registry.remove(real);
        assertSame(standIn, registry.find("exchange").orElseThrow(), "the exchange is off again");
        registry.remove(standIn);
        assertTrue(registry.find("exchange").isEmpty());
    }

    private static ConsoleSection section(boolean standIn) {
        return new ConsoleSection() {
            @Override
            public String path() {
                return "exchange";
            }

            @Override
            public String title() {
                return "公文交换 Documents";
            }

            @Override
            public Set<Role> roles() {
                return Set.of(Role.CLERK);
            }

            @Override
            public Request.Handler handler() {
                return (request, response, callback) -> false;
            }

            @Override
            public boolean standIn() {
                return standIn;
            }
        };
    }
}
