package org.turnctl.archfixture.cycle.b;

import org.turnctl.archfixture.cycle.a.UsesRoot;

/** Fixture for LayeringRulesSelfTest: a and b use each other. */
public class UsesA {
    public UsesRoot back() {
        return new UsesRoot();
    }
}
