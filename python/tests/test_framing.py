"""FrameChannel over a bare pipe: frames split across reads, several frames in one read, large frames, ends."""
import os
import struct
import threading
import unittest

from gridgym._framing import ChannelClosed, FrameChannel, reset_body, step_head


def frame(status, payload):
    body = bytes([status]) + payload
    return struct.pack("<I", len(body)) + body


class Framing(unittest.TestCase):
    def setUp(self):
        self.req_r, self.req_w = os.pipe()
        self.rep_r, self.rep_w = os.pipe()
        self.channel = FrameChannel(self.req_w, self.rep_r, size=64)

    def tearDown(self):
        for fd in (self.req_r, self.req_w, self.rep_r, self.rep_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def test_send_writes_the_length_prefix_and_the_body(self):
        self.channel.send(b"\x03abc")
        self.assertEqual(os.read(self.req_r, 100), b"\x04\x00\x00\x00\x03abc")

    def test_several_frames_in_one_read_come_out_one_by_one(self):
        os.write(self.rep_w, frame(0, b"one") + frame(2, b"") + frame(1, b"three!"))
        got = [(s, bytes(p)) for s, p in (self.channel.receive(1.0) for _ in range(3))]
        self.assertEqual(got, [(0, b"one"), (2, b""), (1, b"three!")])

    def test_a_frame_written_in_pieces_is_put_together(self):
        data = frame(0, bytes(range(40)))
        writer = threading.Thread(target=lambda: [os.write(self.rep_w, data[i:i + 3]) for i in range(0, len(data), 3)])
        writer.start()
        status, payload = self.channel.receive(5.0)
        writer.join()
        self.assertEqual((status, bytes(payload)), (0, bytes(range(40))))

    def test_a_frame_larger_than_the_buffer_grows_it_and_keeps_what_follows(self):
        big = bytes(i % 251 for i in range(300_000))
        data = frame(0, b"x" * 50) + frame(0, big) + frame(3, b"after")
        writer = threading.Thread(target=lambda: os.write(self.rep_w, data))
        writer.start()
        first = bytes(self.channel.receive(5.0)[1])
        second = bytes(self.channel.receive(5.0)[1])
        third = self.channel.receive(5.0)
        writer.join()
        self.assertEqual(first, b"x" * 50)
        self.assertEqual(second, big)
        self.assertEqual((third[0], bytes(third[1])), (3, b"after"))

    def test_a_frame_cut_by_the_end_of_input_says_the_process_ended(self):
        os.write(self.rep_w, frame(0, b"whole")[:6])
        os.close(self.rep_w)
        with self.assertRaises(ChannelClosed) as ctx:
            self.channel.receive(1.0)
        self.assertIn("ended", ctx.exception.args[0])

    def test_no_answer_within_the_timeout_is_reported(self):
        with self.assertRaises(ChannelClosed) as ctx:
            self.channel.receive(0.05)
        self.assertIn("within 0.05 s", ctx.exception.args[0])

    def test_request_bodies_match_the_server_layout(self):
        self.assertEqual(step_head(7, True), struct.pack("<BIB", 3, 7, 4))
        self.assertEqual(reset_body(7, False, None, None), struct.pack("<BIBd", 2, 7, 0, 0.0))
        self.assertEqual(reset_body(2, True, 42, b"{}"), struct.pack("<BIBd", 2, 2, 1 | 2 | 4, 42.0) + b"{}")


if __name__ == "__main__":
    unittest.main()
