package org.turnctl.archfixture.cycle.a;

import org.turnctl.archfixture.cycle.Root;
import org.turnctl.archfixture.cycle.b.UsesA;

/** Fixture for LayeringRulesSelfTest. */
public class UsesRoot {
    public Root parent() {
        return new Root();
    }

    public UsesA sibling() {
        return new UsesA();
    }
}
