package org.turnctl.server.inbound;

import org.turnctl.server.allocation.ClientSink;
import org.turnctl.stun.MessageClass;
import org.turnctl.stun.MessageType;
import org.turnctl.stun.StunDecodeException;
import org.turnctl.stun.StunMessage;
import org.turnctl.stun.TransactionId;
import org.turnctl.stun.attr.ErrorCode;
import org.turnctl.stun.codec.Protection;
import org.turnctl.stun.codec.StunCodec;

/** A request whose header was sound but whose attributes were not gets a 400 (RFC 8489 section 6.3.1). */
final class BadRequests {

    private BadRequests() {
    }

    static void answer(StunDecodeException e, ClientSink sink) {
        MessageType type = e.messageType().orElse(null);
        TransactionId id = e.transactionId().orElse(null);
        if (type == null || id == null || type.messageClass() != MessageClass.REQUEST) {
            return; // not a request, or not even a header: drop silently
        }
        StunMessage response = StunMessage.builder(type.error(), id).add(ErrorCode.of(ErrorCode.BAD_REQUEST)).build();
        sink.send(StunCodec.encode(response, Protection.NONE, sink.alloc()));
    }
}
