/**
 * The client side: ICE server URIs, STUN and TURN clients, diagnostics, NAT behaviour
 * discovery, success runs and reports.
 */
package org.turnctl.probe;
