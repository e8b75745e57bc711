package org.turnctl.archfixture.cycle;

import org.turnctl.archfixture.cycle.a.UsesRoot;

/** Fixture for LayeringRulesSelfTest: the root package uses a subpackage that uses the root. */
public class Root {
    public UsesRoot child() {
        return new UsesRoot();
    }
}
